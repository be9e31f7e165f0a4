// oprf-membership in the pipeline: the provider publishes its OPRF Bloom filter once; per photo the device runs one
// OPRF round through the relay and tests the filter. The device learns membership; the provider learns nothing.
import { oprfMembershipClient, oprfMembershipServer } from '../../psi/protocols/oprf-membership.js';
import type { ScanProtocol } from '../scan-protocol.js';
import { answeringMatcher, learningDevice } from './device-learns.js';

export const oprfMembershipScan: ScanProtocol = {
  name: 'oprf-membership',
  learner: 'device',
  hashInTheClear: false,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher: (group, database, config) =>
    answeringMatcher(oprfMembershipServer(group, database, { falsePositiveRate: config.falsePositiveRate })),
  // One client party per photo (its queries are fixed when it is made).
  createDevice: (group, published) =>
    learningDevice(published, (request) => [oprfMembershipClient(group, request.inputs)]),
};
