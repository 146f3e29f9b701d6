import type { OpsAnswer, OpsClient } from '@gateway/messaging';
import { randomSuffix } from './infra';
import type { Ledger } from './ledger';
import { ORDER } from './system';

/** One request of a steady load and how it ended. */
export interface LoadRecord {
  uid: string;
  via: 'http' | 'kafka';
  sentAt: number;
  answeredAt?: number;
  /** `complete`, `partial`, `timeout`, `http 503 <code>`, …; undefined while unanswered. */
  outcome?: string;
  /** Why the client got no answer at all (a refused connection, the OpsClient's own time limit). */
  failure?: string;
}

/** Options of {@link SteadyLoad}. */
export interface SteadyLoadOptions {
  /** The ops instances in rotation now (a load balancer's list): requests go round robin. */
  urls: () => string[];
  /** Sends requests on `ops.req` with a reply-to as well. */
  client: OpsClient;
  ledger: Ledger;
  /** One HTTP request every `httpEveryMs`, and one on `ops.req` every `kafkaEveryMs`. */
  httpEveryMs: number;
  kafkaEveryMs: number;
  timeoutMs: number;
  services: string[];
}

/** The outcome of an answer as the scenarios count it. */
function outcomeOf(status: number, body: OpsAnswer): string {
  if (body.status === 'error') return status === 0 ? `error ${body.error.code}` : `http ${status} ${body.error.code}`;
  return body.status;
}

/**
 * Steady traffic through every way in, as the cluster scenarios run under: HTTP requests spread
 * over the ops instances and requests on `ops.req` with a reply-to, each recorded in the ledger
 * (I1, I2) and in `records` with its outcome and times.
 */
export class SteadyLoad {
  readonly records: LoadRecord[] = [];
  private running = false;
  private loops: Array<Promise<void>> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(private readonly options: SteadyLoadOptions) {}

  start(): this {
    this.running = true;
    this.loops = [this.loop(this.options.httpEveryMs, () => this.overHttp()), this.loop(this.options.kafkaEveryMs, () => this.overKafka())];
    return this;
  }

  /** Stops sending and waits for every answer still due. */
  async stop(): Promise<LoadRecord[]> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all([...this.inFlight]);
    return this.records;
  }

  /** Records sent from `from` on (ms since the epoch). */
  since(from: number): LoadRecord[] {
    return this.records.filter((r) => r.sentAt >= from);
  }

  /** Counts by outcome: sent, complete, partial, 503 (the gateway's), clientRefused (OpsClient's own), other, unanswered. */
  static count(records: LoadRecord[]): Record<string, number> {
    const counts: Record<string, number> = {
      sent: records.length,
      complete: 0,
      partial: 0,
      '503': 0,
      clientRefused: 0,
      other: 0,
      unanswered: 0,
    };
    for (const r of records) {
      if (r.outcome === undefined) counts['unanswered']++;
      else if (r.outcome === 'complete' || r.outcome === 'partial') counts[r.outcome]++;
      else if (r.outcome.startsWith('http 503')) counts['503']++;
      else if (r.outcome.startsWith('client ')) counts['clientRefused']++;
      else counts['other']++;
    }
    return counts;
  }

  /** Counts by exact outcome of the records that were not complete (for a scenario's report). */
  static breakdown(records: LoadRecord[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of records) {
      if (r.outcome === 'complete') continue;
      const key = `${r.via} ${r.outcome ?? 'unanswered'}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  private async loop(everyMs: number, send: () => Promise<void>): Promise<void> {
    while (this.running) {
      const sent = send().finally(() => this.inFlight.delete(sent));
      this.inFlight.add(sent);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  private begin(via: LoadRecord['via']): LoadRecord {
    const record: LoadRecord = { uid: `steady-${via}-${randomSuffix()}-${this.next++}`, via, sentAt: Date.now() };
    this.records.push(record);
    this.options.ledger.sent(record.uid, this.options.timeoutMs);
    return record;
  }

  private settle(record: LoadRecord, status: number, body: OpsAnswer): void {
    record.answeredAt = Date.now();
    record.outcome = outcomeOf(status, body);
    this.options.ledger.answered(record.uid, status, body);
  }

  private async overHttp(): Promise<void> {
    const urls = this.options.urls();
    const url = urls[this.next % urls.length];
    const record = this.begin('http');
    const { timeoutMs, services } = this.options;
    try {
      const response = await fetch(`${url}/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: record.uid, payload: ORDER, timeoutMs, services }),
      });
      this.settle(record, response.status, (await response.json()) as OpsAnswer);
    } catch (error) {
      record.failure = `${url}: ${(error as Error).message}`;
    }
  }

  private async overKafka(): Promise<void> {
    const record = this.begin('kafka');
    const { timeoutMs, services } = this.options;
    try {
      const answer = await this.options.client.request({ uid: record.uid, payload: ORDER, timeoutMs, services });
      this.settle(record, answer.status === 'error' ? 0 : 200, answer);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // The client could not put the request on ops.req within its time: a clear error to its
      // caller (the gateway never saw the request), counted apart from the gateway's answers.
      if (code === 'MSG_KAFKA_UNAVAILABLE') {
        this.settle(record, 0, { uid: record.uid, status: 'error', error: { code, message: (error as Error).message } });
        record.outcome = `client ${code}`;
      } else record.failure = (error as Error).message;
    }
  }
}
