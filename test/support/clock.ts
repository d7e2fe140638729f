/**
 * Fakes only Date: the server runs in this process, so timers, ticks and I/O must stay real.
 * Restore with jest.useRealTimers().
 */
export function fakeDateOnly(at?: number | Date): void {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  if (at !== undefined) {
    jest.setSystemTime(at);
  }
}

/**
 * The clock for MFA tests: only Date is faked (timers, ticks and I/O stay real), frozen on whole
 * seconds (MariaDB DATETIME has no fraction) and only ever moved forward.
 */
export const clock = {
  now: Date.UTC(2031, 0, 6, 9, 0, 0),
  install(): void {
    fakeDateOnly();
    jest.setSystemTime(this.now);
  },
  uninstall(): void {
    jest.useRealTimers();
  },
  advance(ms: number): number {
    this.now += ms;
    jest.setSystemTime(this.now);
    return this.now;
  },
  /** Moves to the start of the next 30 s step plus `into` ms, so codes of "this step" are fresh. */
  nextStep(into = 5_000): number {
    const next = (Math.floor(this.now / 30_000) + 1) * 30_000 + into;
    return this.advance(next - this.now);
  },
};
