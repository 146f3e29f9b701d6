import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidSetting, readFileNamed, type Env } from '@gateway/messaging';

/** What a request's `authorization` header is worth. */
export type TokenCheck = 'ok' | 'missing' | 'invalid' | 'expired';

interface Token {
  digest: Buffer;
  /** Epoch ms after which the token is refused; none: it does not expire. */
  expires: number | undefined;
}

/** The variable that names the file (contract §4, docs: README "Configuration"). */
export const API_TOKENS_VARIABLE = 'OPS_API_TOKENS_FILE';

/**
 * The bearer tokens that may call `POST /requests` (OPS_API_TOKENS_FILE): one per line, with an
 * optional `expires=<ISO 8601 time>` after it; blank lines and `#` comments are skipped. Tokens are
 * kept as SHA-256 digests and a presented token is compared with every one of them in constant
 * time, so neither a token nor which one matched shows in the time an answer takes.
 */
export class ApiTokens {
  private constructor(private readonly tokens: readonly Token[]) {}

  /** Parses a tokens file's text; throws a MessagingError naming the variable and the line. */
  static parse(text: string): ApiTokens {
    const tokens: Token[] = [];
    text.split('\n').forEach((raw, index) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [secret, ...rest] = line.split(/\s+/);
      const invalid = (why: string) => invalidSetting(API_TOKENS_VARIABLE, `line ${index + 1}: ${why}`);
      if (!secret || secret.length < 16) throw invalid('a token has at least 16 characters');
      let expires: number | undefined;
      for (const option of rest) {
        const match = /^expires=(.+)$/.exec(option);
        expires = match?.[1] ? Date.parse(match[1]) : Number.NaN;
        if (Number.isNaN(expires)) throw invalid(`"${option}" is not expires=<ISO 8601 time>`);
      }
      tokens.push({ digest: digestOf(secret), expires });
    });
    if (tokens.length === 0) throw invalidSetting(API_TOKENS_VARIABLE, 'the file holds no token');
    return new ApiTokens(tokens);
  }

  /** Checks an `authorization` header (`Bearer <token>`). */
  check(authorization: string | undefined, now = Date.now()): TokenCheck {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match?.[1]) return 'missing';
    const presented = digestOf(match[1]);
    let found: Token | undefined;
    // Every token is compared, whichever matches: the time taken says nothing of which one did.
    for (const token of this.tokens) if (timingSafeEqual(token.digest, presented)) found = token;
    if (!found) return 'invalid';
    return found.expires !== undefined && now >= found.expires ? 'expired' : 'ok';
  }
}

/** The tokens of the file OPS_API_TOKENS_FILE names, or undefined when it is unset (`POST /requests` is open). */
export function readApiTokens(env: Env): ApiTokens | undefined {
  const file = readFileNamed(env, API_TOKENS_VARIABLE);
  return file && ApiTokens.parse(file.content.toString('utf8'));
}

function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
