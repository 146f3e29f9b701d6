import { throwawayCertificate } from '../testing/throwaway-certificate';
import { describeSecurity } from './describe-security';
import { readEtcdSecurity } from './etcd-security';
import { PLAINTEXT_SECURITY } from './kafka-security';

const HTTPS = ['https://127.0.0.1:2479'];
const HTTP = ['http://127.0.0.1:2379'];

describe('readEtcdSecurity', () => {
  const tls = throwawayCertificate();

  it('is empty for plain http without a login', () => {
    expect(readEtcdSecurity({}, HTTP)).toEqual({});
  });

  it('uses TLS (with the system CAs) for https:// endpoints even without files', () => {
    expect(readEtcdSecurity({}, HTTPS)).toEqual({ tls: {} });
  });

  it('reads the CA, the client certificate and key, and the login with its password as a Secret', () => {
    const security = readEtcdSecurity(
      {
        ETCD_CA_FILE: tls.certFile,
        ETCD_CERT_FILE: tls.certFile,
        ETCD_KEY_FILE: tls.keyFile,
        ETCD_USERNAME: 'chain1',
        ETCD_PASSWORD: 'pw-9',
      },
      HTTPS,
    );
    expect(Object.keys(security.tls ?? {}).sort()).toEqual(['ca', 'cert', 'key']);
    expect(security.login?.username).toBe('chain1');
    expect(security.login?.password.reveal()).toBe('pw-9');
    expect(JSON.stringify(security)).not.toContain('pw-9');
    expect(describeSecurity({ kafkaSecurity: PLAINTEXT_SECURITY, etcdSecurity: security })).toEqual({
      kafka: { protocol: 'PLAINTEXT' },
      etcd: { tls: true, tlsCa: 'file', clientCertificate: true, username: 'chain1' },
    });
  });

  it.each([
    [{}, ['http://a:2379', 'https://b:2379'], /^ETCD_ENDPOINTS: mixes http:\/\/ and https:\/\/ endpoints$/],
    [{ ETCD_CA_FILE: 'CERT' }, HTTP, /^ETCD_CA_FILE: is set, but ETCD_ENDPOINTS are http:\/\/: TLS needs https:\/\/ endpoints$/],
    [{ ETCD_PASSWORD: 'pw-9' }, HTTP, /^ETCD_USERNAME: is needed with ETCD_PASSWORD$/],
    [{ ETCD_USERNAME: 'ops' }, HTTP, /^ETCD_PASSWORD: \(or ETCD_PASSWORD_FILE\) is needed with ETCD_USERNAME$/],
    [{ ETCD_CERT_FILE: 'CERT' }, HTTPS, /^ETCD_KEY_FILE: is needed with ETCD_CERT_FILE$/],
  ])('stops at %j with %j, naming the variable', (env, endpoints, message) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'CERT' ? tls.certFile : v]));
    expect(() => readEtcdSecurity(resolved, endpoints)).toThrow(message);
  });
});
