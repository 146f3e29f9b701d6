import { Secret } from '../security/secret';
import type { KafkaSecurity } from '../security/kafka-security';
import { kafkajsSecurityOptions, platformaticSecurityOptions, securityFromThread, securityToThread } from './kafka-security.options';

const SASL_SSL: KafkaSecurity = {
  protocol: 'SASL_SSL',
  tls: { ca: 'CA PEM' },
  sasl: { mechanism: 'SCRAM-SHA-256', username: 'chain1', password: new Secret('pw-1') },
};

describe('Kafka security in each library’s names', () => {
  it('PLAINTEXT adds nothing', () => {
    expect(kafkajsSecurityOptions()).toEqual({});
    expect(platformaticSecurityOptions(['127.0.0.1:9092'])).toEqual({});
  });

  it('kafkajs: ssl with the CA, sasl with its lower-case mechanism and the password', () => {
    expect(kafkajsSecurityOptions(SASL_SSL)).toEqual({
      ssl: { ca: 'CA PEM' },
      sasl: { mechanism: 'scram-sha-256', username: 'chain1', password: 'pw-1' },
    });
  });

  it('@platformatic/kafka: tls, the password as a function, and SNI only for brokers named by host', async () => {
    const byIp = platformaticSecurityOptions(['127.0.0.1:9094'], SASL_SSL);
    expect(byIp).toMatchObject({ tls: { ca: 'CA PEM' }, tlsServerName: false, sasl: { mechanism: 'SCRAM-SHA-256', username: 'chain1' } });
    expect(JSON.stringify(byIp)).not.toContain('pw-1');
    const password = byIp.sasl?.password;
    expect(typeof password === 'function' ? await password() : password).toBe('pw-1');
    expect(platformaticSecurityOptions(['kafka-0.example.com:9094'], SASL_SSL).tlsServerName).toBe(true);
  });

  it('crosses to a Kafka thread as plain data and comes back with a Secret', () => {
    const data = structuredClone(securityToThread(SASL_SSL));
    const back = securityFromThread(data);
    expect(back.sasl?.password).toBeInstanceOf(Secret);
    expect(back.sasl?.password.reveal()).toBe('pw-1');
    expect(back.tls).toEqual({ ca: 'CA PEM' });
  });
});
