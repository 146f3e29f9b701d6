/** Kafka header names of contract §3. Header values are strings. */
export const Headers = {
  REPLY_TO: 'reply-to',
  REPLY_PARTITION: 'reply-partition',
  DLQ_REASON: 'dlq-reason',
  DLQ_SOURCE_TOPIC: 'dlq-source-topic',
  DLQ_SOURCE_PARTITION: 'dlq-source-partition',
  DLQ_SOURCE_OFFSET: 'dlq-source-offset',
  DLQ_SERVICE: 'dlq-service',
  TRACEPARENT: 'traceparent',
  /** On a chain's reply: the instance that handled the request (for operators; optional). */
  INSTANCE_ID: 'instance-id',
} as const;

/** The topic names a deployment uses: contract §2's defaults behind an optional prefix (TOPIC_PREFIX). */
export interface TopicNames {
  opsReq: string;
  opsResp: string;
  opsAgg: string;
  opsDlq: string;
  /** The request topic of chain service `name`. */
  chainRequest(name: string): string;
}

/** Contract §2's topic names, each behind `prefix` (empty by default: `ops.req`, `chain1.req` …). */
export function topicNames(prefix = ''): TopicNames {
  return {
    opsReq: `${prefix}ops.req`,
    opsResp: `${prefix}ops.resp`,
    opsAgg: `${prefix}ops.agg`,
    opsDlq: `${prefix}ops.dlq`,
    chainRequest: (name) => `${prefix}${name}.req`,
  };
}

/** Default topic names of contract §2. */
export const Topics = {
  OPS_REQ: 'ops.req',
  OPS_RESP: 'ops.resp',
  OPS_AGG: 'ops.agg',
  OPS_DLQ: 'ops.dlq',
  /** The request topic of chain service `name`. */
  chainRequest: (name: string): string => `${name}.req`,
} as const;
