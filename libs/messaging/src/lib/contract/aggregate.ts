import type { ReplyError } from './chain-reply';

/**
 * One asked service's part of an aggregate. `pending` appears only with completion `any` or k:
 * the rule was met before this service answered.
 */
export type ServiceResult =
  | { status: 'ok'; result: unknown; latencyMs: number }
  | { status: 'error'; error: ReplyError; latencyMs: number }
  | { status: 'timeout' }
  | { status: 'left' }
  | { status: 'pending' };

/** `complete`: the completion rule was met; `partial`: the deadline passed or services left first. */
export type AggregateStatus = 'complete' | 'partial';

/** The single answer to a request (contract §3). */
export interface Aggregate {
  uid: string;
  status: AggregateStatus;
  results: Record<string, ServiceResult>;
  missing: string[];
  elapsedMs: number;
}

/** The answer to a request the gateway refused or could not broadcast (no aggregate was formed). */
export interface GatewayErrorReply {
  uid: string;
  status: 'error';
  error: ReplyError;
}

/** What a client receives on its reply topic: an aggregate or a gateway error. */
export type OpsAnswer = Aggregate | GatewayErrorReply;

/** True when no asked service answered (every result is timeout, left or pending). */
export function noServiceAnswered(aggregate: Aggregate): boolean {
  return Object.values(aggregate.results).every((r) => r.status !== 'ok' && r.status !== 'error');
}
