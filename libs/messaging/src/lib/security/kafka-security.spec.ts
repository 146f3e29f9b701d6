import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwawayCertificate } from '../testing/throwaway-certificate';
import { describeKafkaSecurity, readKafkaSecurity } from './kafka-security';

const PASSWORD = 'kafka-pw-5f3a';

describe('readKafkaSecurity', () => {
  const tls = throwawayCertificate();
  const sasl = { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD: PASSWORD };

  it('is PLAINTEXT without a setting', () => {
    expect(readKafkaSecurity({})).toEqual({ protocol: 'PLAINTEXT' });
  });

  it('reads SASL_SSL: the mechanism, the user, the password as a Secret and the CA', () => {
    const security = readKafkaSecurity({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_TLS_CA_FILE: tls.certFile, ...sasl });
    expect(security).toMatchObject({ protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops' } });
    expect(security.sasl?.password.reveal()).toBe(PASSWORD);
    expect(security.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(JSON.stringify(security)).not.toContain(PASSWORD);
    expect(describeKafkaSecurity(security)).toEqual({
      protocol: 'SASL_SSL',
      mechanism: 'SCRAM-SHA-512',
      username: 'ops',
      tlsCa: 'file',
      mutualTls: false,
    });
  });

  it('reads the password from KAFKA_SASL_PASSWORD_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kafka-pw-')), 'pw');
    writeFileSync(file, `${PASSWORD}\n`);
    const { KAFKA_SASL_PASSWORD: _, ...rest } = sasl;
    const security = readKafkaSecurity({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...rest, KAFKA_SASL_PASSWORD_FILE: file });
    expect(security.sasl?.password.reveal()).toBe(PASSWORD);
    expect(security.tls).toBeUndefined();
  });

  it('reads SSL with a client certificate (mutual TLS), and with the system CAs when no CA is given', () => {
    const mutual = readKafkaSecurity({
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_TLS_CERT_FILE: tls.certFile,
      KAFKA_TLS_KEY_FILE: tls.keyFile,
    });
    expect(describeKafkaSecurity(mutual)).toEqual({ protocol: 'SSL', tlsCa: 'system', mutualTls: true });
    expect(readKafkaSecurity({ KAFKA_SECURITY_PROTOCOL: 'SSL' })).toEqual({ protocol: 'SSL', tls: {} });
  });

  it.each([
    [{ KAFKA_SECURITY_PROTOCOL: 'TLS' }, /^KAFKA_SECURITY_PROTOCOL: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"$/],
    [
      { KAFKA_SASL_PASSWORD: PASSWORD },
      /^KAFKA_SASL_PASSWORD: is set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT: it is used with SASL_PLAINTEXT or SASL_SSL only$/,
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...sasl, KAFKA_TLS_CA_FILE: 'x' },
      /^KAFKA_TLS_CA_FILE: is set, but KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT/,
    ],
    [{ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SASL_USERNAME: 'ops' }, /^KAFKA_SASL_USERNAME: is set, but KAFKA_SECURITY_PROTOCOL is SSL/],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD: PASSWORD },
      /^KAFKA_SASL_MECHANISM: is needed with KAFKA_SECURITY_PROTOCOL=SASL_SSL$/,
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', ...sasl, KAFKA_SASL_MECHANISM: 'GSSAPI' },
      /^KAFKA_SASL_MECHANISM: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"$/,
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_PASSWORD: PASSWORD },
      /^KAFKA_SASL_USERNAME: is needed/,
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'ops' },
      /^KAFKA_SASL_PASSWORD: \(or KAFKA_SASL_PASSWORD_FILE\) is needed/,
    ],
    [{ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' }, /^KAFKA_TLS_CA_FILE: cannot read \/nonexistent\/ca.pem/],
  ])('stops at a bad setting, naming its variable and never the password: %j', (env, message) => {
    expect(() => readKafkaSecurity(env)).toThrow(message);
    try {
      readKafkaSecurity(env);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(PASSWORD);
      expect(error).toMatchObject({ code: 'MSG_CONFIG_INVALID' });
    }
  });
});
