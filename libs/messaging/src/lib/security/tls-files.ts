import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { invalidSetting, readFileNamed, type Env } from '../config/env';

/** What a TLS client or server is given, PEM text: the CAs to trust, and its own certificate chain and key. */
export interface TlsFiles {
  /** The CA certificate(s) the peer's certificate must chain to; none: the system's CAs. */
  ca?: string;
  /** This side's certificate chain (a client's for mutual TLS). */
  cert?: string;
  /** The private key of `cert`. */
  key?: string;
}

/** The variables naming the files of a {@link TlsFiles}. */
export interface TlsVariables {
  ca?: string;
  cert: string;
  key: string;
}

/**
 * Reads the files `variables` name, now, so that a bad one stops the service at start naming its
 * variable: undefined when none is set. Each must be PEM; a certificate must parse and not have
 * expired, a key must parse (unencrypted), the two come together and the key must belong to the
 * certificate. Errors give the file's path, never its content.
 */
export function readTlsFiles(env: Env, variables: TlsVariables, now: number = Date.now()): TlsFiles | undefined {
  const ca = variables.ca === undefined ? undefined : readPem(env, variables.ca);
  const cert = readPem(env, variables.cert);
  const key = readPem(env, variables.key);
  if (!ca && !cert && !key) return undefined;
  if (cert && !key) throw invalidSetting(variables.key, `is needed with ${variables.cert}`);
  if (key && !cert) throw invalidSetting(variables.cert, `is needed with ${variables.key}`);
  if (ca && variables.ca) certificate(variables.ca, ca, now);
  if (cert && key) {
    const certificateOf = certificate(variables.cert, cert, now);
    if (!certificateOf.checkPrivateKey(privateKey(variables.key, key))) {
      throw invalidSetting(variables.key, `is not the private key of the certificate in ${variables.cert}`);
    }
  }
  return { ...(ca ? { ca: ca.text } : {}), ...(cert ? { cert: cert.text } : {}), ...(key ? { key: key.text } : {}) };
}

interface Pem {
  path: string;
  text: string;
}

function readPem(env: Env, variable: string): Pem | undefined {
  const file = readFileNamed(env, variable);
  if (!file) return undefined;
  const text = file.content.toString('utf8');
  if (!text.includes('-----BEGIN ')) throw invalidSetting(variable, `cannot use ${file.path}: not a PEM file`);
  return { path: file.path, text };
}

function certificate(variable: string, pem: Pem, now: number): X509Certificate {
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(pem.text);
  } catch {
    throw invalidSetting(variable, `cannot use ${pem.path}: not a PEM certificate`);
  }
  if (Date.parse(parsed.validTo) < now) {
    throw invalidSetting(variable, `the certificate in ${pem.path} expired on ${parsed.validTo}`);
  }
  return parsed;
}

function privateKey(variable: string, pem: Pem): KeyObject {
  try {
    return createPrivateKey(pem.text);
  } catch {
    throw invalidSetting(variable, `cannot use ${pem.path}: not an unencrypted PEM private key`);
  }
}
