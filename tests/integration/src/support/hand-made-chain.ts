import type { Consumer, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { createTopic, plainKafka } from './plain-kafka';
import { randomSuffix } from './infra';

function topicPrefixOf(topic: string, name: string): string {
  return topic.slice(0, topic.length - `${name}.req`.length);
}

/** How a hand-made chain misbehaves, for fault scenarios. */
export interface HandMadeBehaviour {
  /** Copies of each reply it sends (2: a duplicate reply). Default 1. */
  copies?: number;
  /** Waits this long before replying. Default 0. */
  delayMs?: number;
  /** Never replies. */
  silent?: boolean;
  /** After its reply, sends a contradicting error reply for the same uid this much later. */
  contradictAfterMs?: number;
}

/**
 * A chain service written without the project's libraries, only to contract §3: consumes
 * `<name>.req` and replies to the `reply-to` topic (and `reply-partition`) with the same uid.
 */
export class HandMadeChain {
  readonly topic: string;
  readonly seen: string[] = [];
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly behaviour: HandMadeBehaviour = {},
    topicPrefix = '',
  ) {
    this.topic = `${topicPrefix}${name}.req`;
  }

  /** Creates its topic, joins its group and starts answering. */
  async start(): Promise<void> {
    await createTopic(this.topic, 1);
    this.producer = plainKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = plainKafka.consumer({ groupId: `${this.name}-${randomSuffix()}`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const request = JSON.parse(String(message.value)) as { uid: string; payload: unknown };
        this.seen.push(request.uid);
        if (this.behaviour.silent) return;
        const replyTo = message.headers?.['reply-to']?.toString() ?? `${topicPrefixOf(this.topic, this.name)}ops.resp`;
        const partition = message.headers?.['reply-partition']?.toString();
        const reply = {
          key: request.uid,
          value: JSON.stringify({ uid: request.uid, service: this.name, ok: true, result: { handMade: true, echo: request.payload } }),
          ...(partition !== undefined ? { partition: Number(partition) } : {}),
        };
        const send = () =>
          this.producer?.send({ topic: replyTo, messages: Array.from({ length: this.behaviour.copies ?? 1 }, () => reply) });
        // A reply still delayed when the test stops this chain is not sent: its producer is gone.
        if (this.behaviour.delayMs) setTimeout(() => this.stopped || void send(), this.behaviour.delayMs);
        else await send();
        if (this.behaviour.contradictAfterMs !== undefined) {
          const contradiction = {
            ...reply,
            value: JSON.stringify({
              uid: request.uid,
              service: this.name,
              ok: false,
              error: { code: 'CHANGED_MY_MIND', message: 'a duplicate' },
            }),
          };
          setTimeout(
            () => this.stopped || void this.producer?.send({ topic: replyTo, messages: [contradiction] }),
            this.behaviour.contradictAfterMs,
          );
        }
      },
    });
    await joined;
  }

  /** Stops consuming. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
