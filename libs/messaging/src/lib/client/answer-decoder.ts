import type { OpsAnswer } from '../contract/aggregate';
import { decodeJson } from '../contract/json-value';
import { checkKey } from '../contract/message-key';
import { validateOpsAnswer } from '../contract/ops-answer';
import { invalid, valid, type Validated } from '../contract/result';
import type { InboundMessage } from '../ports/inbound-message';

/** The largest answer a client reads: an aggregate of many chains' results may be large (MAX_MESSAGE_BYTES' own upper bound). */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * Reads one message of a reply topic for a client that waits for some uids. On a shared reply
 * topic most messages are other clients' answers: one whose key (contract §2: the uid) this client
 * does not wait for is `null`, skipped unparsed and unjudged — it is its owner's to judge, and N
 * clients must not dead-letter one bad message N times. An awaited one must be an answer of
 * contract §3 ({@link validateOpsAnswer}) whose uid is its key.
 */
export function decodeAnswer(message: InboundMessage, awaited: (uid: string) => boolean): Validated<OpsAnswer | null> {
  if (message.key === null || !awaited(message.key.toString('utf8'))) return valid(null);
  const json = decodeJson(message.value, MAX_ANSWER_BYTES);
  return checkKey(message.key, json.ok ? validateOpsAnswer(json.value) : invalid<OpsAnswer>(json.code, json.reason));
}
