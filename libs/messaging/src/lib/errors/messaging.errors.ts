/**
 * The registry of error codes of the messaging library. Branch on `code` (or `instanceof`),
 * never on message text. `docs/errors.md` lists the same codes; a test keeps them in step.
 */
export const MessagingErrorCodes = {
  /** A message value is not valid UTF-8 JSON. */
  NOT_JSON: 'MSG_NOT_JSON',
  /** A message value is empty (or a tombstone). */
  EMPTY: 'MSG_EMPTY',
  /** A message value is larger than the configured limit. */
  TOO_LARGE: 'MSG_TOO_LARGE',
  /** A message is JSON but breaks the shape of contract §3. */
  ENVELOPE_INVALID: 'MSG_ENVELOPE_INVALID',
  /** A configuration variable is malformed. */
  CONFIG_INVALID: 'MSG_CONFIG_INVALID',
  /** Kafka could not be reached or refused a send. */
  KAFKA_UNAVAILABLE: 'MSG_KAFKA_UNAVAILABLE',
  /** The broker refused who the client is: its SASL login, or a certificate in the TLS handshake. */
  KAFKA_ACCESS_DENIED: 'MSG_KAFKA_ACCESS_DENIED',
  /** The broker refused a publish for good (for example a message over its size limit). */
  PUBLISH_REFUSED: 'MSG_PUBLISH_REFUSED',
  /** The broker refused a topic for good: an invalid name, one that collides with an existing topic, no authorisation. */
  TOPIC_REFUSED: 'MSG_TOPIC_REFUSED',
  /** A chain handler ran past its time limit. */
  HANDLER_TIMEOUT: 'MSG_HANDLER_TIMEOUT',
  /** A consumer's handler threw (it runs once): the code of its message's dead letter. */
  HANDLER_FAILED: 'MSG_HANDLER_FAILED',
  /** `OpsClient.request` got no answer within the request's timeout and its grace period. */
  REQUEST_TIMEOUT: 'MSG_REQUEST_TIMEOUT',
  /** A request for a `uid` the caller already waits for. */
  DUPLICATE_UID: 'MSG_DUPLICATE_UID',
  /** A component was used after close(). */
  CLOSED: 'MSG_CLOSED',
} as const;

export type MessagingErrorCode = (typeof MessagingErrorCodes)[keyof typeof MessagingErrorCodes];

/**
 * Whether trying again may help, for every code (a record, so a new code cannot be added without
 * deciding). Only an unreachable Kafka goes away by itself; a request that got no answer in time is
 * not retried for the caller: its deadline has passed, and ops may have answered it already.
 */
const RETRIABLE: Readonly<Record<MessagingErrorCode, boolean>> = {
  MSG_NOT_JSON: false,
  MSG_EMPTY: false,
  MSG_TOO_LARGE: false,
  MSG_ENVELOPE_INVALID: false,
  MSG_CONFIG_INVALID: false,
  MSG_KAFKA_UNAVAILABLE: true,
  MSG_KAFKA_ACCESS_DENIED: false,
  MSG_PUBLISH_REFUSED: false,
  MSG_TOPIC_REFUSED: false,
  MSG_HANDLER_TIMEOUT: false,
  MSG_HANDLER_FAILED: false,
  MSG_REQUEST_TIMEOUT: false,
  MSG_DUPLICATE_UID: false,
  MSG_CLOSED: false,
};

/** Context that helps an operator find the message or request an error concerns. */
export interface MessagingErrorContext {
  topic?: string;
  uid?: string;
  variable?: string;
  [key: string]: unknown;
}

/** Every error the messaging library throws; `retriable` says whether trying again may help. */
export class MessagingError extends Error {
  readonly code: MessagingErrorCode;
  readonly retriable: boolean;
  readonly context: MessagingErrorContext;

  constructor(code: MessagingErrorCode, message: string, context: MessagingErrorContext = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MessagingError';
    this.code = code;
    this.retriable = RETRIABLE[code];
    this.context = context;
  }
}

/** True when `error` is a MessagingError with the given code. */
export function hasCode(error: unknown, code: MessagingErrorCode): error is MessagingError {
  return error instanceof MessagingError && error.code === code;
}
