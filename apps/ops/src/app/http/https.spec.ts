import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwawayCertificate } from '@gateway/messaging/testing';
import { readOpsConfig } from '../ops.config';
import { bareHttpServer } from './http.server.fixture';

describe('HTTPS (OPS_TLS_CERT_FILE, OPS_TLS_KEY_FILE)', () => {
  const { certFile, keyFile } = throwawayCertificate();

  it('serves the API over TLS with the configured certificate, and not over plain HTTP', async () => {
    const config = readOpsConfig({ OPS_TLS_CERT_FILE: certFile, OPS_TLS_KEY_FILE: keyFile });
    const app = bareHttpServer({ tls: config.tls });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    try {
      const status = await new Promise<number>((resolve, reject) =>
        httpsGet({ host: '127.0.0.1', port, path: '/healthz', ca: readFileSync(certFile) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(200);
      const plain = await new Promise<string>((resolve) =>
        httpGet({ host: '127.0.0.1', port, path: '/healthz' }, (res) => resolve(String(res.statusCode))).on('error', (e) =>
          resolve(e.message),
        ),
      );
      expect(plain).not.toBe('200');
    } finally {
      await app.close();
    }
  });

  it('stops at start when one of the pair is missing or not PEM, naming the variable', () => {
    expect(() => readOpsConfig({ OPS_TLS_CERT_FILE: certFile })).toThrow(/^OPS_TLS_KEY_FILE: is needed with OPS_TLS_CERT_FILE$/);
    const notPem = join(mkdtempSync(join(tmpdir(), 'ops-tls-')), 'key.pem');
    writeFileSync(notPem, 'secret');
    expect(() => readOpsConfig({ OPS_TLS_CERT_FILE: certFile, OPS_TLS_KEY_FILE: notPem })).toThrow(
      /^OPS_TLS_KEY_FILE: cannot use .*: not a PEM file$/,
    );
  });
});
