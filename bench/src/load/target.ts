/** How one request ended, as the load generator sees it. */
export type OutcomeKind = 'ok' | 'partial' | 'error';

export interface Outcome {
  kind: OutcomeKind;
  /** For errors (and partials): a short reason, e.g. `http 503`, `AT_CAPACITY`, `ECONNRESET`. */
  detail?: string;
}

/** Something the generators can send requests to: ops over HTTP, ops over Kafka, the Kafka floor. */
export interface Target {
  readonly name: string;
  /**
   * Sends one request with id `id` (a valid uid). `done` is called at most once, when its answer
   * arrives; an answer that never comes is counted as missing by the generator after its drain.
   */
  send(id: string, done: (outcome: Outcome) => void): void;
  /** Forgets requests still waiting (called after each step's drain); late answers are dropped. */
  reset(): void;
  /** Answers that matched no waiting request since the last call (late, duplicate, foreign). */
  takeUnmatched(): number;
}
