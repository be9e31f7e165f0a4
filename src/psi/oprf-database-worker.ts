// Worker thread for `buildOprfFilter`: evaluates the server's OPRF on each chunk of database entries it is sent.
import { serveWorker } from '../util/worker-serve.js';
import { createGroup } from './group/create.js';
import { evaluateChunk, type InputChunk, type OprfWorkerConfig } from './oprf-database.js';

serveWorker<OprfWorkerConfig, InputChunk, Uint8Array>((config) => {
  const ready = createGroup(config.group, config.backend).then((group) => ({
    group,
    key: group.decodeScalar(config.key),
  }));
  return async (c) => {
    const { group, key } = await ready;
    return evaluateChunk(group, key, c);
  };
});
