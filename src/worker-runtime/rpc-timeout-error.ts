// A call to another worker got no answer within its timeout (comlink alone would wait forever).
export class RpcTimeoutError extends Error {
  readonly code = 'RPC_TIMEOUT' as const;

  constructor(
    readonly peer: string,
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${peer}.${method} did not answer within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}
