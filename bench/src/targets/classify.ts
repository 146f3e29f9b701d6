import type { Outcome } from '../load/target';

/** The example order line of the README, the payload of every benchmark request. */
export const PAYLOAD = { sku: 'SKU-1', qty: 2, zip: '10115' } as const;

interface AnswerShape {
  status?: unknown;
  error?: { code?: unknown };
}

function parse(body: string): AnswerShape | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as AnswerShape) : undefined;
  } catch {
    return undefined;
  }
}

/** An answer of ops (the aggregate or a gateway error), wherever it came from. */
export function classifyAnswer(body: string): Outcome {
  const answer = parse(body);
  if (!answer) return { kind: 'error', detail: 'unparsable answer' };
  if (answer.status === 'complete') return { kind: 'ok' };
  if (answer.status === 'partial') return { kind: 'partial' };
  const code = answer.error?.code;
  return { kind: 'error', detail: typeof code === 'string' ? code : `status ${String(answer.status)}` };
}

/** An HTTP answer of `POST /requests`: 200 complete/partial, 504 (nobody answered) is a partial. */
export function classifyHttp(statusCode: number, body: string): Outcome {
  if (statusCode === 504) return { kind: 'partial', detail: 'http 504' };
  if (statusCode !== 200) {
    const code = parse(body)?.error?.code;
    return { kind: 'error', detail: `http ${statusCode}${typeof code === 'string' ? ` ${code}` : ''}` };
  }
  return classifyAnswer(body);
}
