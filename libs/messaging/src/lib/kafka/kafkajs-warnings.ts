/** Where kafkajs schedules its request-queue check (the timer that warns). */
const REQUEST_QUEUE = /kafkajs[\\/]src[\\/]network[\\/]requestQueue/;

let installed = false;

/**
 * Drops the one warning kafkajs is known to raise for nothing on Node 24: its request queue sets a
 * timer of `throttledUntil - Date.now()` ms even when nothing is throttled or pending, a negative
 * number that Node ≥ 23 reports as a `TimeoutNegativeWarning` (and runs after 1 ms, which is
 * harmless: the check finds nothing to do). Every other warning, and this one from anywhere else,
 * is emitted as before. Installed once per thread.
 */
export function quietKafkajsTimerWarning(): void {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const name = warning instanceof Error ? warning.name : typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string })?.type;
    if (isKafkajsTimerWarning(name, new Error().stack ?? '')) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** Whether a warning named `name`, raised where `stack` says, is kafkajs' harmless negative timer. */
export function isKafkajsTimerWarning(name: string | undefined, stack: string): boolean {
  return name === 'TimeoutNegativeWarning' && REQUEST_QUEUE.test(stack);
}
