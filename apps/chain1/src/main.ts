import { runChainService } from '@gateway/chain';
import { priceQuote } from './app/pricing.handler';

void runChainService({ name: 'chain1', handler: (payload) => priceQuote(payload) });
