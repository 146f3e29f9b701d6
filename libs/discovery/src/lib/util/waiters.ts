/** Callers parked until a condition may have become true; each wait ends at wakeAll() or at its own time limit. */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** Resolves with `condition()` evaluated when woken or when `timeoutMs` has passed; never rejects. */
  wait(timeoutMs: number, condition: () => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve(condition());
      };
      const timer = setTimeout(done, timeoutMs);
      this.pending.add(done);
    });
  }

  /** Ends every pending wait now. */
  wakeAll(): void {
    [...this.pending].forEach((done) => done());
  }
}
