// Worker thread for `setupTpsiServerInWorkers`: computes the table elements of each chunk of slots it is sent.
import { serveWorker } from '../../../util/worker-serve.js';
import { createGroup } from '../../group/create.js';
import { computeSlotChunk, type SlotChunk, type TpsiSetupWorkerConfig } from './server-setup.js';

serveWorker<TpsiSetupWorkerConfig, SlotChunk, Uint8Array>((config) => {
  const ready = createGroup(config.group, config.backend).then((group) => ({
    group,
    alpha: group.decodeScalar(config.alpha),
  }));
  return async (chunk) => {
    const { group, alpha } = await ready;
    return computeSlotChunk(group, alpha, chunk);
  };
});
