/** Called when a step's measurement window opens and closes (the process sampler listens). */
export interface WindowHooks {
  windowStart(): void;
  windowEnd(): void;
}

export const NO_HOOKS: WindowHooks = { windowStart: () => undefined, windowEnd: () => undefined };
