import type { KafkaLoadClient, LoadHandlers, LoadMessage } from '../kafka/load-client';
import type { Outcome } from '../load/target';
import { KafkaOpsTarget } from './kafka-ops-target';

/** A load client driven by hand: records what was added, replies when told. */
class HandClient implements KafkaLoadClient {
  readonly added: Array<{ id: string; topic: string; message: LoadMessage }> = [];
  handlers!: LoadHandlers;

  start(handlers: LoadHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }

  add(id: string, topic: string, message: LoadMessage): void {
    this.added.push({ id, topic, message });
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const answer = (uid: string, status: string) => Buffer.from(JSON.stringify({ uid, status, results: {}, missing: [] }));

describe('KafkaOpsTarget (ops over Kafka, either client)', () => {
  let client: HandClient;
  let target: KafkaOpsTarget;
  const outcomes = new Map<string, Outcome>();

  beforeEach(async () => {
    client = new HandClient();
    target = new KafkaOpsTarget(client, 'p.ops.req', 'p.replies');
    outcomes.clear();
    await target.start();
  });

  const send = (id: string) => target.send(id, (o) => outcomes.set(id, o));

  it('sends the request to ops.req keyed by uid, with the reply topic, and settles it by the key of the answer', () => {
    send('u1');
    expect(client.added).toEqual([
      {
        id: 'u1',
        topic: 'p.ops.req',
        message: { key: 'u1', value: expect.stringContaining('"uid":"u1"') as string, replyTo: 'p.replies' },
      },
    ]);
    client.handlers.onReply('u1', answer('u1', 'complete'));
    expect(outcomes.get('u1')).toEqual({ kind: 'ok' });
  });

  it('matches an answer without a key by the uid in its body, and classifies partials', () => {
    send('u2');
    client.handlers.onReply(undefined, answer('u2', 'partial'));
    expect(outcomes.get('u2')).toEqual({ kind: 'partial' });
  });

  it('counts answers that match no waiting request (duplicates, late, foreign, unreadable) as unmatched', () => {
    send('u3');
    client.handlers.onReply('u3', answer('u3', 'complete'));
    client.handlers.onReply('u3', answer('u3', 'complete'));
    client.handlers.onReply('other', answer('other', 'complete'));
    client.handlers.onReply(undefined, Buffer.from('not json'));
    expect(target.takeUnmatched()).toBe(3);
    expect(target.takeUnmatched()).toBe(0);
  });

  it('fails the requests of a failed produce, and forgets waiting requests on reset', () => {
    send('u4');
    send('u5');
    client.handlers.onFailure(['u4'], new Error('broker gone'));
    expect(outcomes.get('u4')).toEqual({ kind: 'error', detail: 'produce failed: broker gone' });
    target.reset();
    client.handlers.onReply('u5', answer('u5', 'complete'));
    expect(outcomes.has('u5')).toBe(false);
    expect(target.takeUnmatched()).toBe(1);
  });
});
