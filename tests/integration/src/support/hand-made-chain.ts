import type { Consumer, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { createTopic, plainKafka } from './plain-kafka';
import { randomSuffix } from './infra';

/**
 * A chain service written without the project's libraries, only to contract §3: consumes
 * `<name>.req` and replies to the `reply-to` topic (and `reply-partition`) with the same uid.
 */
export class HandMadeChain {
  readonly topic: string;
  readonly seen: string[] = [];
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;

  constructor(readonly name: string) {
    this.topic = `${name}.req`;
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
        const replyTo = message.headers?.['reply-to']?.toString() ?? 'ops.resp';
        const partition = message.headers?.['reply-partition']?.toString();
        await this.producer?.send({
          topic: replyTo,
          messages: [
            {
              key: request.uid,
              value: JSON.stringify({ uid: request.uid, service: this.name, ok: true, result: { handMade: true, echo: request.payload } }),
              ...(partition !== undefined ? { partition: Number(partition) } : {}),
            },
          ],
        });
      },
    });
    await joined;
  }

  /** Stops consuming. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
