import type { OpsAnswer, ServiceResult } from '@gateway/messaging';
import type { RequestSource } from '../gateway';
import type { ConsoleChainPart, ConsoleRequest } from './console.events';
import type { RequestRing } from './request-ring';
import type { TrafficWindow } from './traffic-window';

/** The broadcast of a request as the gateway saw it: ms from the start at which each send settled. */
export interface BroadcastTrail {
  /** The chains asked, in the order of `sentMs`. */
  services: string[];
  /** When Kafka acknowledged each chain's message; undefined: not (yet) when the answer was formed. */
  sentMs: Array<number | undefined>;
  /** Sends Kafka failed for good. */
  failed: boolean[];
  /** When every send had settled, if that was before the answer. */
  settledMs?: number;
}

/** A request the gateway answered, with what the console shows of it (gateway.ts, `onFinished`). */
export interface FinishedRequest {
  uid: string;
  source: RequestSource;
  traceId: string | undefined;
  /** Epoch ms the gateway started on it (the aggregate's time counts from here). */
  startedAt: number;
  /** Epoch ms of its deadline, once the gateway computed it. */
  deadline?: number;
  answer: OpsAnswer;
  /** Present once it was broadcast. */
  broadcast?: BroadcastTrail;
}

/** Replies waited for at most this many at once; beyond, the oldest notes are dropped (a safety net). */
const MAX_NOTED = 100_000;

/**
 * Turns answered requests into the console's records — one {@link ConsoleRequest} in the ring, one
 * count per series in the traffic window — and remembers which instance sent each accepted reply
 * until its request is answered (the waterfall names it). Everything here runs on the request's
 * path: a few small objects and map entries per request, no I/O.
 */
export class RequestRecorder {
  /** uid → service → instance that replied. */
  private readonly instances = new Map<string, Map<string, string>>();

  constructor(
    private readonly ring: RequestRing,
    private readonly traffic: TrafficWindow,
    private readonly onRecorded: (request: ConsoleRequest) => void = () => undefined,
  ) {}

  /** Notes the instance of a reply the aggregator accepted for `uid` (before its answer is formed). */
  noteReply(uid: string, service: string, instance: string | undefined): void {
    if (!instance) return;
    let byService = this.instances.get(uid);
    if (!byService) {
      if (this.instances.size >= MAX_NOTED) this.instances.delete(this.instances.keys().next().value as string);
      byService = new Map();
      this.instances.set(uid, byService);
    }
    byService.set(service, instance);
  }

  /** Records an answered request. */
  record(done: FinishedRequest, now = Date.now()): ConsoleRequest {
    const replied = this.instances.get(done.uid);
    this.instances.delete(done.uid);
    const { answer } = done;
    const elapsedMs = answer.status === 'error' ? now - done.startedAt : answer.elapsedMs;
    const request: ConsoleRequest = {
      uid: done.uid,
      via: done.source,
      status: answer.status,
      startedAt: done.startedAt,
      elapsedMs,
      deadlineMs: done.deadline === undefined ? elapsedMs : done.deadline - done.startedAt,
      chains: chainParts(done, replied),
    };
    if (done.traceId) request.traceId = done.traceId;
    if (answer.status === 'error') {
      request.errorCode = answer.error.code;
      request.errorMessage = answer.error.message;
    }
    if (done.broadcast?.settledMs !== undefined) request.broadcastMs = done.broadcast.settledMs;
    this.traffic.count('gateway', answer.status, answer.status === 'error' ? undefined : elapsedMs);
    for (const part of request.chains) this.traffic.count(part.service, part.status, part.repliedMs);
    this.ring.add(request);
    this.onRecorded(request);
    return request;
  }
}

/** Each asked chain's part: its send, its reply (or why there was none), its instance. */
function chainParts(done: FinishedRequest, replied: Map<string, string> | undefined): ConsoleChainPart[] {
  const { answer, broadcast } = done;
  const results: Record<string, ServiceResult> = answer.status === 'error' ? {} : answer.results;
  const services = broadcast?.services ?? Object.keys(results);
  return services.map((service, i) => {
    const result = results[service];
    const part: ConsoleChainPart = { service, status: result?.status ?? 'pending' };
    const sentMs = broadcast?.sentMs[i];
    if (sentMs !== undefined) part.sentMs = sentMs;
    else if (broadcast?.failed[i] && result?.status !== 'ok' && result?.status !== 'error') part.status = 'unsent';
    if (result?.status === 'ok' || result?.status === 'error') part.repliedMs = result.latencyMs;
    if (result?.status === 'error') {
      part.errorCode = result.error.code;
      part.errorMessage = result.error.message;
    }
    const instance = replied?.get(service);
    if (instance) part.instance = instance;
    return part;
  });
}
