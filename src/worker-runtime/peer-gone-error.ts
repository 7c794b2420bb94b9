// A call to another worker failed because that worker went away (restarted, crashed, shut down)
// while the call was in flight or before it could be sent.
export class PeerGoneError extends Error {
  readonly code = 'PEER_GONE' as const;

  constructor(
    readonly peer: string,
    readonly reason: string,
  ) {
    super(`${peer} is gone: ${reason}`);
    this.name = 'PeerGoneError';
  }
}
