import pino from 'pino';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { InMemoryTopicAdmin } from '../testing/in-memory.topic-admin';
import { ensureTopics, partitionCount } from './topic-admin';

const logger = pino({ level: 'silent' });

describe('ensureTopics on the TopicAdmin port', () => {
  it('creates only the missing topics, with their partition counts, and leaves existing ones as they are', async () => {
    const admin = new InMemoryTopicAdmin();
    admin.topics.set('a', 1);
    await ensureTopics(
      admin,
      [
        { topic: 'a', numPartitions: 3 },
        { topic: 'b', numPartitions: 3 },
      ],
      logger,
    );
    expect(admin.createRequests).toEqual(['b']);
    expect(await partitionCount(admin, 'a')).toBe(1);
    expect(await partitionCount(admin, 'b')).toBe(3);
    expect(await partitionCount(admin, 'unknown')).toBe(0);
  });

  it('fails at once, with MSG_TOPIC_REFUSED, for a topic the broker refuses for good', async () => {
    const admin = new InMemoryTopicAdmin();
    admin.refused.add('bad');
    const started = Date.now();
    await expect(ensureTopics(admin, [{ topic: 'bad', numPartitions: 1 }], logger)).rejects.toMatchObject({
      code: MessagingErrorCodes.TOPIC_REFUSED,
      retriable: false,
    });
    expect(admin.createRequests).toEqual(['bad']);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retries while the broker is away, and gives up with MSG_KAFKA_UNAVAILABLE after its time', async () => {
    const admin = new InMemoryTopicAdmin();
    admin.unavailable = true;
    setTimeout(() => (admin.unavailable = false), 250);
    await ensureTopics(admin, [{ topic: 'a', numPartitions: 2 }], logger);
    expect(await partitionCount(admin, 'a')).toBe(2);

    admin.unavailable = true;
    const error: unknown = await ensureTopics(admin, [{ topic: 'c', numPartitions: 1 }], logger, 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessagingError);
    expect(error).toMatchObject({ code: MessagingErrorCodes.KAFKA_UNAVAILABLE, retriable: true });
  });

  it('keeps the process alive while it waits for leaders (nothing else may, at start-up)', async () => {
    const admin = new InMemoryTopicAdmin();
    let describes = 0;
    const describe = admin.describeTopics.bind(admin);
    admin.describeTopics = async (topics) =>
      (describes += 1) === 1 ? topics.map((topic) => ({ topic, partitions: 1, led: false })) : describe(topics);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const ready = ensureTopics(admin, [{ topic: 'a', numPartitions: 1 }], logger);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBeGreaterThan(before); // a ref'd timer: an unref'd one let the process end silently
    await ready;
    expect(describes).toBe(2);
  });
});
