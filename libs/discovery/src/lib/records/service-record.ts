import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { SERVICES_PREFIX, isKeySegment, parseServiceKey } from '../keys/service-key';

/** The role an instance plays: a chain service that ops broadcasts to, or a gateway. */
export type ServiceKind = 'chain' | 'gateway';

/** Contract §5 record; extra fields allowed. */
export interface ServiceRecord {
  name: string;
  kind: ServiceKind;
  topic: string;
  instanceId: string;
  [extra: string]: unknown;
}

/** The outcome of {@link validateServiceRecord}: the record, or the reason it was refused. */
export type RecordCheck = { ok: true; record: ServiceRecord } | { ok: false; error: DiscoveryError };

const REQUIRED_FIELDS = ['name', 'kind', 'topic', 'instanceId'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(key: string, reason: string, cause?: unknown): RecordCheck {
  return {
    ok: false,
    error: new DiscoveryError(DiscoveryErrorCodes.INVALID_RECORD, `invalid service record at ${key}: ${reason}`, {
      cause,
      context: { key },
    }),
  };
}

/** Checks an object against contract §5 (required non-empty strings, known kind, key-safe name and instanceId). */
export function checkRecordShape(key: string, value: unknown): RecordCheck {
  if (!isPlainObject(value)) {
    return invalid(key, 'value is not a JSON object');
  }
  for (const field of REQUIRED_FIELDS) {
    const fieldValue = value[field];
    if (typeof fieldValue !== 'string' || fieldValue.length === 0) {
      return invalid(key, `field "${field}" must be a non-empty string`);
    }
  }
  if (value['kind'] !== 'chain' && value['kind'] !== 'gateway') {
    return invalid(key, `field "kind" must be "chain" or "gateway", got ${JSON.stringify(value['kind'])}`);
  }
  if (!isKeySegment(value['name'] as string) || !isKeySegment(value['instanceId'] as string)) {
    return invalid(key, 'fields "name" and "instanceId" must not contain "/"');
  }
  return { ok: true, record: value as ServiceRecord };
}

/** Parses and checks the etcd value stored at `key`, saying why when it is refused. */
export function validateServiceRecord(key: string, value: string, prefix: string = SERVICES_PREFIX): RecordCheck {
  const parsedKey = parseServiceKey(key, prefix);
  if (!parsedKey) {
    return invalid(key, `key is not of the form ${prefix}<name>/<instanceId>`);
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (err: unknown) {
    return invalid(key, 'value is not valid JSON', err);
  }
  const check = checkRecordShape(key, json);
  if (!check.ok) {
    return check;
  }
  if (check.record.name !== parsedKey.name || check.record.instanceId !== parsedKey.instanceId) {
    return invalid(
      key,
      `record names ${check.record.name}/${check.record.instanceId}, key names ${parsedKey.name}/${parsedKey.instanceId}`,
    );
  }
  return check;
}

/** Returns the record stored at `key`, or undefined when the key or value breaks contract §5 (callers log and ignore it). */
export function parseServiceRecord(key: string, value: string, prefix: string = SERVICES_PREFIX): ServiceRecord | undefined {
  const check = validateServiceRecord(key, value, prefix);
  return check.ok ? check.record : undefined;
}
