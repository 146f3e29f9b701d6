import { classifyHttpParsed, parseAnswer } from '../targets/classify';

/**
 * How one crowd request ended: an aggregate (`complete`, `partial` — HTTP 504 included), a 503
 * (`shed`: ops refused it, e.g. `OVERLOADED`), another error (a status, ECONNRESET, ECONNREFUSED…),
 * or no answer within the request timeout (`timeout`).
 */
export type CrowdKind = 'complete' | 'partial' | 'shed' | 'error' | 'timeout';

/** One crowd request's end, with the time ops says it spent on it when the answer is an aggregate. */
export interface CrowdOutcome {
  kind: CrowdKind;
  /** For shed and errors: a short reason (`http 503 OVERLOADED`, `ECONNRESET`). */
  detail?: string;
  /** `elapsedMs` of the aggregate (complete and partial answers that carry it). */
  elapsedMs?: number;
}

/** Classifies an HTTP answer of `POST /requests` for the crowd series, parsing its body once. */
export function classifyCrowd(statusCode: number, body: string): CrowdOutcome {
  const answer = parseAnswer(body);
  if (statusCode === 503) {
    const code = answer?.error?.code;
    return { kind: 'shed', detail: `http 503${typeof code === 'string' ? ` ${code}` : ''}` };
  }
  const outcome = classifyHttpParsed(statusCode, answer);
  if (outcome.kind === 'error') return { kind: 'error', detail: outcome.detail ?? 'error' };
  const elapsed = answer?.elapsedMs;
  const kind = outcome.kind === 'ok' ? 'complete' : 'partial';
  return typeof elapsed === 'number' && Number.isFinite(elapsed) ? { kind, elapsedMs: elapsed } : { kind };
}
