// Worker thread for `setupTpsiServerInWorkers`: computes the elements of each unit (entries or fills) it is sent.
import { serveWorker } from '../../../util/worker-serve.js';
import { createGroup } from '../../group/create.js';
import { computeSetupUnit, type SetupUnit, type TpsiSetupWorkerConfig } from './server-setup.js';

serveWorker<TpsiSetupWorkerConfig, SetupUnit, Uint8Array>((config) => {
  const ready = createGroup(config.group, config.backend).then((group) => ({
    group,
    alpha: group.decodeScalar(config.alpha),
  }));
  return async (unit) => {
    const { group, alpha } = await ready;
    return computeSetupUnit(group, alpha, unit);
  };
});
