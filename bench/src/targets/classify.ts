import type { Outcome } from '../load/target';

/** The example order line of the README, the payload of every benchmark request. */
export const PAYLOAD = { sku: 'SKU-1', qty: 2, zip: '10115' } as const;

/** The fields of an answer of ops the benchmark looks at (every one may be missing or of another type). */
export interface AnswerShape {
  status?: unknown;
  error?: { code?: unknown };
  /** The time ops spent on the request (aggregates only). */
  elapsedMs?: unknown;
}

/** The body as an object, or undefined when it is no JSON object. */
export function parseAnswer(body: string): AnswerShape | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as AnswerShape) : undefined;
  } catch {
    return undefined;
  }
}

/** An answer of ops (the aggregate or a gateway error), wherever it came from. */
export function classifyAnswer(body: string): Outcome {
  return classifyParsed(parseAnswer(body));
}

/** An answer of ops already parsed (undefined: unparsable). */
export function classifyParsed(answer: AnswerShape | undefined): Outcome {
  if (!answer) return { kind: 'error', detail: 'unparsable answer' };
  if (answer.status === 'complete') return { kind: 'ok' };
  if (answer.status === 'partial') return { kind: 'partial' };
  const code = answer.error?.code;
  return { kind: 'error', detail: typeof code === 'string' ? code : `status ${String(answer.status)}` };
}

/** An HTTP answer of `POST /requests`: 200 complete/partial, 504 (nobody answered) is a partial. */
export function classifyHttp(statusCode: number, body: string): Outcome {
  return classifyHttpParsed(statusCode, statusCode === 504 ? undefined : parseAnswer(body));
}

/** `classifyHttp` on a body already parsed (a 504 needs none). */
export function classifyHttpParsed(statusCode: number, answer: AnswerShape | undefined): Outcome {
  if (statusCode === 504) return { kind: 'partial', detail: 'http 504' };
  if (statusCode !== 200) {
    const code = answer?.error?.code;
    return { kind: 'error', detail: `http ${statusCode}${typeof code === 'string' ? ` ${code}` : ''}` };
  }
  return classifyParsed(answer);
}
