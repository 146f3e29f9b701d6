/**
 * Checks that `holds` stays true for the whole of `windowMs` (polled): an observation window, for
 * "nothing more arrives" assertions that no event can signal.
 */
export async function expectSteady(
  what: string,
  holds: () => Promise<boolean> | boolean,
  windowMs: number,
  intervalMs = 100,
): Promise<void> {
  const until = Date.now() + windowMs;
  while (Date.now() < until) {
    if (!(await holds())) throw new Error(`no longer true: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
