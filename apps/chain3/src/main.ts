import { runChainService } from '@gateway/chain';
import { estimateShipping } from './app/shipping.handler';

void runChainService({ name: 'chain3', handler: (payload) => estimateShipping(payload) });
