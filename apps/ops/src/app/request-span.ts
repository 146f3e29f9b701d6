import { SpanStatusCode, type OpsAnswer, type Span } from '@gateway/messaging';

/** Ends a request's span with what became of it: the uid, the outcome, and an error status for refusals. */
export function endSpan(span: Span, answer: OpsAnswer, httpStatus?: number): void {
  span.setAttribute('gateway.uid', answer.uid);
  span.setAttribute('gateway.outcome', answer.status === 'error' ? answer.error.code : answer.status);
  if (httpStatus !== undefined) span.setAttribute('http.response.status_code', httpStatus);
  if (answer.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: answer.error.message });
  span.end();
}
