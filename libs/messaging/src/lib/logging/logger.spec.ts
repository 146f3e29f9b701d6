import { Writable } from 'node:stream';
import { createLogger } from './logger';

describe('createLogger', () => {
  let written: string[];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });

  beforeEach(() => (written = []));

  it('writes one line per event, prefixed by the service, with its fields on the same line, for LOG_FORMAT=pretty', () => {
    createLogger('chain2', 'info', 'pretty', out).child({ component: 'kafka' }).info({ uid: 'order-42' }, 'broadcast sent');
    const text = written.join('');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toMatch(/INFO.*chain2 +broadcast sent/);
    expect(text).toContain('"uid":"order-42"');
    expect(text).not.toContain('"level"');
  });

  it("keeps a reply's error object on its line in pretty lines; only a thrown Error (err) gets lines of its own", () => {
    const logger = createLogger('chain1', 'info', 'pretty', out);
    logger.warn({ uid: 'u1', error: { code: 'BAD_PAYLOAD', message: 'payload must be a JSON object' } }, 'handler failed');
    expect(written.join('').trimEnd().split('\n')).toHaveLength(1);
    expect(written.join('')).toContain('"error":{"code":"BAD_PAYLOAD"');
    written = [];
    logger.error({ err: new Error('boom') }, 'failed');
    expect(written.join('').trimEnd().split('\n').length).toBeGreaterThan(1);
  });

  it('writes JSON lines with the service, pid and level by name by default', () => {
    createLogger('ops', 'info', 'json', out).info({ uid: 'u1' }, 'hello');
    expect(JSON.parse(written.join(''))).toMatchObject({ level: 'info', service: 'ops', pid: process.pid, uid: 'u1', msg: 'hello' });
  });
});
