import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Permit } from '../admission/admission';
import type { ApiTokens, TokenCheck } from './api-tokens';
import { OpsErrors } from '../ops.errors';
import { errorBody } from './http.errors';
import { SECURITY_HEADERS } from './security-headers';

/** What an overloaded client is told to wait before it tries again (contract §8 `Retry-After`), in seconds. */
export const RETRY_AFTER_SECONDS = 1;

/** What the door asks: a permit now, whether ops still takes requests, and the limit to name. */
export interface DoorGate {
  admit(): Permit | undefined;
  readonly accepting: boolean;
  readonly admissionLimit: number;
}

/** How long a refused body over the limit is read and discarded before the connection is cut, ms. */
export const LINGER_MS = 5000;

/** How many bytes of a refused body over the limit are read and discarded before the connection is cut. */
export const LINGER_BYTES = 16 * 1024 * 1024;

/** Options of {@link Door}. */
export interface DoorOptions {
  gate: DoorGate;
  /** A `POST /requests` that announces a longer body (`content-length`) is refused with 413 here. */
  maxBodyBytes: number;
  /** Called for every request refused because ops is at its admission limit. */
  onShed?: () => void;
  /** The bearer tokens a `POST /requests` needs (OPS_API_TOKENS_FILE); none: it needs none. */
  tokens?: ApiTokens | undefined;
  /** Called for every request refused for its token, with why. */
  onUnauthorized?: (why: Exclude<TokenCheck, 'ok'>) => void;
}

/**
 * Admission at the door of the HTTP server, before the framework sees the request: a `POST
 * /requests` gets its permit here, from the raw request's method and path, and a refusal is
 * written at once from prepared bytes — no routing, no request objects, no body read, no
 * serialisation — so that shedding costs ops next to nothing when it matters most (contract §8).
 * When tokens are configured, a request without a valid bearer token is refused first (401, with
 * `WWW-Authenticate`). A body announced over the limit is refused here too (413), before it takes
 * a permit. Anything else passes through untouched.
 */
export class Door {
  private readonly permits = new WeakMap<IncomingMessage, Permit>();
  private overloaded: { limit: number; body: Buffer } | undefined;
  private shuttingDown: Buffer | undefined;
  private tooLarge: Buffer | undefined;

  constructor(private readonly options: DoorOptions) {}

  /**
   * Admits or refuses `req` when it is a `POST /requests`. Returns true when it answered (the
   * caller must not go on), false when the request is to be handled as usual.
   */
  enter(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !isRequestsPath(req.url)) return false;
    if (!this.authenticate(req, res, true)) return true;
    if (Number(req.headers['content-length']) > this.options.maxBodyBytes) {
      this.tooLarge ??= Buffer.from(
        JSON.stringify(
          errorBody(
            OpsErrors.BODY_TOO_LARGE.code,
            `the body is too large: over ${this.options.maxBodyBytes} bytes, ops' limit (OPS_MAX_BODY_BYTES)`,
          ),
        ),
      );
      refuseAndDrain(req, res, OpsErrors.BODY_TOO_LARGE.httpStatus, this.tooLarge);
      return true;
    }
    return !this.grant(req, res);
  }

  /**
   * Gives `req` a permit (kept for {@link permitOf}; true) or writes the refusal to `res` (false):
   * 503 `OVERLOADED` with `Retry-After` at the limit, 503 `SHUTTING_DOWN` once ops closes. A
   * request admitted already keeps its permit.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.permits.has(req)) return true;
    // Not through the door (an injected request): the framework reads the body, nothing to drain.
    return this.authenticate(req, res, false) && this.grant(req, res);
  }

  /** A permit for `req`, or the refusal written to `res` (see {@link admit}). */
  private grant(req: IncomingMessage, res: ServerResponse): boolean {
    const { gate } = this.options;
    const permit = gate.admit();
    if (permit) {
      this.permits.set(req, permit);
      return true;
    }
    if (!gate.accepting) {
      this.shuttingDown ??= Buffer.from(JSON.stringify(errorBody(OpsErrors.SHUTTING_DOWN.code, 'ops is shutting down')));
      refuse(res, OpsErrors.SHUTTING_DOWN.httpStatus, this.shuttingDown, false);
      return false;
    }
    this.options.onShed?.();
    refuse(res, OpsErrors.OVERLOADED.httpStatus, this.overloadedBody(gate.admissionLimit), true);
    return false;
  }

  /**
   * True when no token is needed or `req` carries a valid one; otherwise writes 401 `UNAUTHORIZED`
   * with `WWW-Authenticate` (RFC 6750: `error="invalid_token"` when a token was presented) and
   * discards the body, so that a client that sends it all before reading still reads the 401.
   */
  private authenticate(req: IncomingMessage, res: ServerResponse, drain: boolean): boolean {
    const { tokens } = this.options;
    if (!tokens) return true;
    const check = tokens.check(req.headers.authorization);
    if (check === 'ok') return true;
    this.options.onUnauthorized?.(check);
    const { body, challenge } = UNAUTHORIZED[check];
    const headers = { 'www-authenticate': challenge };
    if (drain) refuseAndDrain(req, res, OpsErrors.UNAUTHORIZED.httpStatus, body, headers);
    else refuse(res, OpsErrors.UNAUTHORIZED.httpStatus, body, false, headers);
    return false;
  }

  /** The permit `req` was admitted with, if it was. */
  permitOf(req: IncomingMessage): Permit | undefined {
    return this.permits.get(req);
  }

  /** The OVERLOADED body for this limit, built once per limit value. */
  private overloadedBody(limit: number): Buffer {
    if (this.overloaded?.limit !== limit) {
      const message = `ops runs ${limit} requests at once, its limit now; try again shortly`;
      this.overloaded = { limit, body: Buffer.from(JSON.stringify(errorBody(OpsErrors.OVERLOADED.code, message))) };
    }
    return this.overloaded.body;
  }
}

/** Why a request's token was refused, as its 401 says (never the token itself). */
const UNAUTHORIZED_REASONS: Readonly<Record<Exclude<TokenCheck, 'ok'>, string>> = {
  missing: 'POST /requests needs a bearer token (authorization: Bearer <token>)',
  invalid: "the bearer token is not one of ops' tokens",
  expired: 'the bearer token has expired',
};

/** The 401 of each reason, prepared once like the door's other refusals: its body and its `WWW-Authenticate`. */
const UNAUTHORIZED = Object.fromEntries(
  Object.entries(UNAUTHORIZED_REASONS).map(([check, why]) => [
    check,
    {
      body: Buffer.from(JSON.stringify(errorBody(OpsErrors.UNAUTHORIZED.code, why))),
      challenge: check === 'missing' ? 'Bearer realm="ops"' : `Bearer realm="ops", error="invalid_token", error_description="${why}"`,
    },
  ]),
) as Record<Exclude<TokenCheck, 'ok'>, { body: Buffer; challenge: string }>;

/** `/requests`, with or without a query string (how the framework routes it too). */
export function isRequestsPath(url: string | undefined): boolean {
  if (!url?.startsWith('/requests')) return false;
  return url.length === 9 || url.charCodeAt(9) === 63; // '?'
}

/**
 * A refusal from prepared bytes. The connection is kept open: the unread body is discarded by the
 * server once the answer is sent, so a client that retries reuses it instead of opening another.
 */
export function refuse(res: ServerResponse, status: number, body: Buffer, retryAfter: boolean, extra: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...SECURITY_HEADERS,
    ...extra,
  };
  if (retryAfter) headers['retry-after'] = RETRY_AFTER_SECONDS;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * A refusal (413 for a body over the limit, 401) readable by clients that send their whole body
 * before they read an answer (Python's http.client and urllib, many SDKs): the answer goes out at
 * once, and the body is then read and discarded (a lingering close, as nginx does) instead of the
 * socket being closed under the client's writes, which it would see as a broken pipe or a reset
 * rather than the answer. A body read to its end leaves the connection open for the next request;
 * one that goes on past {@link LINGER_BYTES} or {@link LINGER_MS} has its connection cut.
 */
function refuseAndDrain(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, extra: Record<string, string> = {}): void {
  refuse(res, status, body, false, extra);
  let discarded = 0;
  const cut = (): void => {
    req.socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  req.on('close', () => clearTimeout(timer));
  req.resume();
}
