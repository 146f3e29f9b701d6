/** Bounds of `timeoutMs` (contract §3). */
export const TIMEOUT_MS_MIN = 1;
export const TIMEOUT_MS_MAX = 600_000;

/** A chain service name: what may stand before `.req` in a topic name. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
