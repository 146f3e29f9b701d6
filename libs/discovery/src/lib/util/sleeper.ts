/** A sleep that can be cut short: `wake()` resolves every pending `sleep()` at once (used by close()). */
export class Sleeper {
  private readonly pending = new Set<() => void>();

  /** Resolves after `ms`, or earlier when {@link Sleeper.wake} is called; never rejects. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.add(done);
    });
  }

  /** Ends every pending sleep now. */
  wake(): void {
    [...this.pending].forEach((done) => done());
  }
}
