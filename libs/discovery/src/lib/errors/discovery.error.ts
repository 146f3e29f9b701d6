import { DiscoveryErrorCode, retriableByCode } from './discovery-error-codes';

/** Context attached to a {@link DiscoveryError}: the key, service or setting it concerns. */
export interface DiscoveryErrorContext {
  key?: string;
  service?: string;
  instanceId?: string;
  setting?: string;
}

/** The one error class of @gateway/discovery: branch on `code` (or `retriable`), never on the message. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  readonly code: DiscoveryErrorCode;
  readonly retriable: boolean;
  override readonly cause?: unknown;
  readonly context: DiscoveryErrorContext;

  constructor(code: DiscoveryErrorCode, message: string, options: { cause?: unknown; context?: DiscoveryErrorContext } = {}) {
    super(message);
    this.code = code;
    this.retriable = retriableByCode[code];
    this.cause = options.cause;
    this.context = options.context ?? {};
  }
}
