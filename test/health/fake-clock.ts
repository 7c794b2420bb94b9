// A hand-driven clock for health tests: time moves only when the test says so.
export class ManualClock {
  constructor(public t = Date.UTC(2025, 0, 1, 0, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
