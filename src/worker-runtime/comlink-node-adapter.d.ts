// Types for comlink's Node adapter: the package ships `node-adapter.d.ts` beside the `.mjs`, which
// NodeNext resolution does not pair with the `.mjs` entry, so we declare the same shape here.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';

  export interface NodeEndpoint {
    postMessage(message: unknown, transfer?: readonly unknown[]): void;
    on(type: string, listener: (value: unknown) => void): void;
    off(type: string, listener: (value: unknown) => void): void;
    start?: () => void;
  }

  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
