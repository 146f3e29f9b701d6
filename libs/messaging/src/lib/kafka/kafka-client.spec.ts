import { levelOf } from './kafka-client';
import * as net from 'node:net';
import { noDelaySocketFactory } from './kafka-client';

describe('noDelaySocketFactory', () => {
  it('connects with TCP_NODELAY and keep-alive on', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const noDelay = jest.spyOn(net.Socket.prototype, 'setNoDelay');
    const keepAlive = jest.spyOn(net.Socket.prototype, 'setKeepAlive');
    try {
      await new Promise<void>((resolve, reject) => {
        // kafkajs passes `ssl: undefined` when TLS is not configured (its type says otherwise).
        const socket = noDelaySocketFactory({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: () => resolve() });
        socket.on('error', reject);
        socket.on('connect', () => socket.destroy());
      });
      expect(noDelay.mock.calls.some(([on]) => on === true)).toBe(true);
      expect(keepAlive).toHaveBeenCalledWith(true, 60_000);
    } finally {
      noDelay.mockRestore();
      keepAlive.mockRestore();
      server.close();
    }
  });
});

describe('levelOf (kafkajs log entries)', () => {
  it('sends the broker error answers kafkajs logs before its caller handles them to debug', () => {
    expect(levelOf('Connection', 1, 'Response Metadata(key: 3, version: 6)')).toBe('debug');
    expect(levelOf('Connection', 1, 'Response CreateTopics(key: 19, version: 3)')).toBe('debug');
  });

  it('keeps every other entry at its own level', () => {
    expect(levelOf('Connection', 1, 'Connection error: connect ECONNREFUSED')).toBe('error');
    expect(levelOf('Consumer', 1, 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
    expect(levelOf('Consumer', 2, 'Restarting the consumer')).toBe('warn');
  });
});
