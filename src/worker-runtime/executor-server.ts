// The executor side of the RPC: exposes one API object on every port the supervisor hands over.
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

export class ExecutorServer {
  private readonly ports = new Map<string, MessagePort>();

  constructor(private readonly api: object) {}

  /** Serve `peer` on `port`, replacing any earlier port for the same peer. */
  serve(peer: string, port: MessagePort): void {
    this.ports.get(peer)?.close();
    this.ports.set(peer, port);
    Comlink.expose(this.api, nodeEndpoint(port));
  }

  get peers(): string[] {
    return [...this.ports.keys()];
  }

  close(): void {
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }
}
