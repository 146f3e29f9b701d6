// @gateway/chain: what a team needs to write a chain service (contract §3, §6, §7), in this
// repository or in its own. Everything else of the runtime stays internal to the package.
export { ChainError } from './lib/chain-error';
export { ChainErrorCodes, type ChainErrorCode } from './lib/chain-error-codes';
export { readChainConfig, type ChainConfig } from './lib/chain.config';
export { ChainService, type ChainContext, type ChainCounters, type ChainHandler, type ChainServiceOptions } from './lib/chain.service';
export type { ChainHealth, ChainParts } from './lib/chain.parts';
export { payloadObject, requirePositiveInt, requireString } from './lib/payload-fields';
export { runChainService } from './lib/run-chain-service';

// The messages a chain sees and answers (contract §3), for handlers and their tests.
export {
  createLogger,
  isJsonObject,
  validateChainReply,
  validateChainRequest,
  type ChainReply,
  type ChainRequest,
  type JsonObject,
  type Json,
  type ReplyError,
  type Validated,
  type Logger,
} from '@gateway/messaging';
