import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwawayCertificate } from '../testing/throwaway-certificate';
import { readTlsFiles } from './tls-files';

const VARS = { ca: 'X_CA_FILE', cert: 'X_CERT_FILE', key: 'X_KEY_FILE' };

function fileWith(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tls-files-')), 'file.pem');
  writeFileSync(file, content);
  return file;
}

describe('readTlsFiles', () => {
  const one = throwawayCertificate();
  const other = throwawayCertificate();

  it('is undefined when no variable is set', () => {
    expect(readTlsFiles({}, VARS)).toBeUndefined();
  });

  it('reads a CA alone, or a certificate with its key, as PEM text', () => {
    expect(readTlsFiles({ X_CA_FILE: one.certFile }, VARS)).toEqual({ ca: expect.stringContaining('-----BEGIN CERTIFICATE-----') });
    const pair = readTlsFiles({ X_CA_FILE: other.certFile, X_CERT_FILE: one.certFile, X_KEY_FILE: one.keyFile }, VARS);
    expect(pair?.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(pair?.key).toContain('PRIVATE KEY-----');
  });

  it.each([
    [{ X_CERT_FILE: 'c' }, /^X_KEY_FILE: is needed with X_CERT_FILE$/],
    [{ X_KEY_FILE: 'k' }, /^X_CERT_FILE: is needed with X_KEY_FILE$/],
  ])('wants a certificate and its key together: %j', (names, message) => {
    const env = Object.fromEntries(Object.entries(names).map(([k]) => [k, k === 'X_CERT_FILE' ? one.certFile : one.keyFile]));
    expect(() => readTlsFiles(env, VARS)).toThrow(message);
  });

  it('names the variable of a file that is missing, not PEM, not a certificate or not a key — never its content', () => {
    expect(() => readTlsFiles({ X_CA_FILE: '/nonexistent/ca.pem' }, VARS)).toThrow(/^X_CA_FILE: cannot read \/nonexistent\/ca.pem: /);
    const secretText = fileWith('hunter2-not-pem');
    expect(() => readTlsFiles({ X_CA_FILE: secretText }, VARS)).toThrow(/^X_CA_FILE: cannot use .*: not a PEM file$/);
    expect(() => readTlsFiles({ X_CA_FILE: secretText }, VARS)).not.toThrow(/hunter2/);
    expect(() => readTlsFiles({ X_CA_FILE: one.keyFile }, VARS)).toThrow(/^X_CA_FILE: cannot use .*: not a PEM certificate$/);
    expect(() => readTlsFiles({ X_CERT_FILE: one.certFile, X_KEY_FILE: one.certFile }, VARS)).toThrow(
      /^X_KEY_FILE: cannot use .*: not an unencrypted PEM private key$/,
    );
  });

  it('refuses a key that is not the certificate’s', () => {
    expect(() => readTlsFiles({ X_CERT_FILE: one.certFile, X_KEY_FILE: other.keyFile }, VARS)).toThrow(
      /^X_KEY_FILE: is not the private key of the certificate in X_CERT_FILE$/,
    );
  });

  it('refuses a certificate that has expired, saying when', () => {
    const inTwoDays = Date.now() + 2 * 86_400_000;
    expect(() => readTlsFiles({ X_CERT_FILE: one.certFile, X_KEY_FILE: one.keyFile }, VARS, inTwoDays)).toThrow(
      /^X_CERT_FILE: the certificate in .* expired on .*GMT$/,
    );
    expect(() => readTlsFiles({ X_CA_FILE: one.certFile }, VARS, inTwoDays)).toThrow(/^X_CA_FILE: the certificate in .* expired on /);
  });
});
