// The recent errors, bounded: a ring over preallocated parallel arrays, so recording an error
// never grows memory and the oldest entry is overwritten once the ring is full.

export interface ErrorEntry {
  /** Epoch milliseconds. */
  readonly timeMs: number;
  readonly thread: string;
  readonly type: string;
  readonly message: string;
}

export interface ErrorRingOptions {
  /** Entries kept (default 50). */
  capacity?: number;
  /** Longer messages are cut to this many characters (default 500), so one huge body can't bloat reports. */
  maxMessageLength?: number;
}

export class ErrorRing {
  readonly capacity: number;
  private readonly maxMessageLength: number;
  private readonly times: Float64Array;
  private readonly threads: string[];
  private readonly types: string[];
  private readonly messages: string[];
  /** Next slot to write. */
  private head = 0;
  private count = 0;
  private recorded = 0;

  constructor(options: ErrorRingOptions = {}) {
    const capacity = options.capacity ?? 50;
    const maxMessageLength = options.maxMessageLength ?? 500;
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(`ErrorRing: option "capacity" must be an integer > 0, got ${capacity}`);
    }
    if (!(Number.isInteger(maxMessageLength) && maxMessageLength > 0)) {
      throw new RangeError(`ErrorRing: option "maxMessageLength" must be an integer > 0, got ${maxMessageLength}`);
    }
    this.capacity = capacity;
    this.maxMessageLength = maxMessageLength;
    this.times = new Float64Array(capacity);
    this.threads = new Array<string>(capacity).fill('');
    this.types = new Array<string>(capacity).fill('');
    this.messages = new Array<string>(capacity).fill('');
  }

  /** Entries currently held (at most capacity). */
  get size(): number {
    return this.count;
  }

  /** Errors ever recorded, including those since overwritten. */
  get totalRecorded(): number {
    return this.recorded;
  }

  push(timeMs: number, thread: string, type: string, message: string): void {
    const i = this.head;
    this.times[i] = timeMs;
    this.threads[i] = thread;
    this.types[i] = type;
    this.messages[i] =
      message.length > this.maxMessageLength ? `${message.slice(0, this.maxMessageLength - 1)}…` : message;
    this.head = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
    this.recorded += 1;
  }

  /** Newest first. Allocates: for reports, not for the recording path. */
  entries(limit = this.count): ErrorEntry[] {
    const n = Math.min(Math.max(0, limit), this.count);
    const out: ErrorEntry[] = [];
    for (let k = 1; k <= n; k += 1) {
      const i = (this.head - k + this.capacity) % this.capacity;
      out.push({
        timeMs: this.times[i] as number,
        thread: this.threads[i] as string,
        type: this.types[i] as string,
        message: this.messages[i] as string,
      });
    }
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.threads.fill('');
    this.types.fill('');
    this.messages.fill('');
  }
}
