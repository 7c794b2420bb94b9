// A broken invariant: something the code itself guarantees turned out false (a map entry created
// in the constructor is missing, a regex group that always matches is absent). Not an expected
// failure to recover from: it names what was missing and fails fast, where a `!` assertion would
// have carried `undefined` on into a price or a size.

export class InvariantError extends Error {
  readonly code = 'INVARIANT';

  constructor(what: string) {
    super(`invariant broken: ${what}`);
    this.name = 'InvariantError';
  }
}

/** `value`, or an InvariantError naming `what` when it is undefined or null. */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new InvariantError(`${what} is missing`);
  return value;
}
