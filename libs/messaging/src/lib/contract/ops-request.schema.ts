import { SERVICE_NAME_PATTERN, TIMEOUT_MS_MAX, TIMEOUT_MS_MIN } from './ops-request.limits';

/**
 * The JSON Schema of a request (contract §3): the one source of the rules that both ingresses
 * validate with (`validateOpsRequest`) and that the OpenAPI document of ops publishes. Each
 * property's `x-reason` is the message a client gets when that property breaks its rule.
 */
export const OPS_REQUEST_SCHEMA = {
  $id: 'OpsRequest',
  type: 'object',
  description: 'A request into the gateway: broadcast to the chain services, answered with one aggregate.',
  additionalProperties: false,
  required: ['payload'],
  properties: {
    uid: {
      type: 'string',
      pattern: '^[A-Za-z0-9._:-]{1,128}$',
      description: 'The request id; ops makes a UUID when it is missing (HTTP only: required on ops.req).',
      examples: ['order-42'],
      'x-reason': 'must be 1-128 characters of A-Za-z0-9._:-',
    },
    payload: {
      description: 'Any JSON value, passed to every chain unchanged.',
      examples: [{ sku: 'SKU-1', qty: 2, zip: '10115' }],
    },
    timeoutMs: {
      type: 'integer',
      minimum: TIMEOUT_MS_MIN,
      maximum: TIMEOUT_MS_MAX,
      description: 'How long to wait for the chains; default OPS_TIMEOUT_MS.',
      'x-reason': `must be an integer from ${TIMEOUT_MS_MIN} to ${TIMEOUT_MS_MAX}`,
    },
    services: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: SERVICE_NAME_PATTERN.source },
      description: 'The chain services to ask instead of every registered one.',
      'x-reason': 'must be a non-empty array of service names',
    },
    completion: {
      oneOf: [
        { type: 'string', enum: ['all', 'any'] },
        { type: 'integer', minimum: 1 },
      ],
      description: '"all" (default: every asked service answers), "any" (the first ok reply) or k (the first k ok replies).',
      'x-reason': 'must be "all", "any" or a positive integer',
    },
  },
} as const;

/** The schema of a request on `ops.req`, where `uid` is required. */
export const OPS_KAFKA_REQUEST_SCHEMA = { ...OPS_REQUEST_SCHEMA, $id: 'OpsKafkaRequest', required: ['uid', 'payload'] } as const;
