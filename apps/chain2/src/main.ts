import { runChainService } from '@gateway/chain';
import { checkAvailability } from './app/inventory.handler';

void runChainService({ name: 'chain2', handler: (payload) => checkAvailability(payload) });
