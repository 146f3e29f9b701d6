import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password or other credential: it shows as `[redacted]` however it is printed — a template
 * string, `JSON.stringify`, pino, `util.inspect`, an error's context — and only {@link reveal}
 * gives the value, at the one place that hands it to a client library.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself; call it only where a client library takes it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
