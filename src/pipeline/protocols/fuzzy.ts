// The near-duplicate PSI variants in the pipeline, with the run's radius r, chunks m and k. ball-expansion: per photo
// input the device sends one batched OPRF request over the Hamming ball and learns membership within r from the
// reply. chunked: per photo input one batched OPRF request over the chunk neighbourhoods; when the filter holds some,
// the device answers the reply with the encrypted distance check (a second round through the relay) and learns
// membership within r from its answer. chunked-tpsi: per photo input one chunk voucher (id derived from the message
// id, ad = message id + derivative); the provider opens photos with ≥ k matching chunks and reveals their ad once the
// account holds t.
import {
  ballExpansionClient,
  ballExpansionServer,
  ballFilterRate,
} from '../../psi/protocols/ball-expansion/parties.js';
import { chunkedTpsiServer } from '../../psi/protocols/chunked-tpsi/parties.js';
import { ChunkVoucherSender } from '../../psi/protocols/chunked-tpsi/sender.js';
import { chunkedClient, chunkedServer } from '../../psi/protocols/chunked/parties.js';
import { ballSize, parsePsiInput } from '../../psi/protocols/fuzzy/hash-bits.js';
import { encodeChunkVoucher } from '../../psi/protocols/fuzzy/messages.js';
import { DEFAULT_FUZZY_PARAMS, checkFuzzyParams, type FuzzyParams } from '../../psi/protocols/fuzzy/params.js';
import { checkPublication } from '../../psi/protocols/tpsi-ad/parties.js';
import { PublishedTable } from '../../psi/protocols/tpsi-ad/voucher.js';
import { decodeExpected } from '../../psi/wire.js';
import { PipelineError } from '../errors.js';
import type { ScanConfig, ScanProtocol } from '../scan-protocol.js';
import { answeringMatcher, learningDevice } from './device-learns.js';
import { rejected } from './rejected.js';
import { voucherDevice, voucherMatcher } from './vouchers.js';

/** The run's radius r, chunks m and k (the per-photo budget at its default). */
const fuzzyOf = (config: ScanConfig): FuzzyParams =>
  rejected(() =>
    checkFuzzyParams({
      ...DEFAULT_FUZZY_PARAMS,
      maxDistance: config.maxDistance,
      chunks: config.chunks,
      minChunks: config.minChunks,
    }),
  );

export const ballExpansionScan: ScanProtocol = {
  name: 'ball-expansion',
  learner: 'device',
  hashInTheClear: false,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher(group, database, config) {
    const first = database[0];
    const evaluations = first ? ballSize(parsePsiInput(first).nbits, fuzzyOf(config).maxDistance) : 1;
    const filterRate = ballFilterRate(config.falsePositiveRate, evaluations);
    return answeringMatcher(ballExpansionServer(group, database, { filterRate }));
  },
  // One client party per PSI input of a photo, each sending one batched request.
  createDevice: (group, published, _account, config) =>
    learningDevice(published, (request) =>
      request.inputs.map((input) => ballExpansionClient(group, [input], fuzzyOf(config))),
    ),
};

export const chunkedScan: ScanProtocol = {
  name: 'chunked',
  learner: 'device',
  hashInTheClear: false,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher: (group, database, config) =>
    answeringMatcher(chunkedServer(group, database, fuzzyOf(config), { falsePositiveRate: config.falsePositiveRate })),
  // One client party per PSI input: its OPRF request, then (with filter hits) its distance query.
  createDevice: (group, published, _account, config) =>
    learningDevice(published, (request) =>
      request.inputs.map((input) => chunkedClient(group, [input], fuzzyOf(config))),
    ),
};

export const chunkedTpsiScan: ScanProtocol = {
  name: 'chunked-tpsi',
  learner: 'provider',
  hashInTheClear: false,
  revealsAd: true,
  adCapacity: (config) => config.tpsi.adBytes,
  createMatcher(group, database, config) {
    const server = chunkedTpsiServer(group, database, fuzzyOf(config), config.tpsi);
    return voucherMatcher(server, (m) => decodeExpected('fuzzy-tpsi-voucher', m, group).voucher);
  },
  createDevice(group, published, account, config) {
    const fuzzy = fuzzyOf(config);
    const first = published[0];
    if (published.length !== 1 || !first)
      throw new PipelineError(
        'protocol-message-rejected',
        `chunked-tpsi publishes one message, got ${published.length}`,
      );
    const publication = rejected(() => decodeExpected('fuzzy-tpsi-public-data', first, group));
    if (publication.chunks !== fuzzy.chunks || publication.minChunks !== fuzzy.minChunks)
      throw new PipelineError(
        'protocol-message-rejected',
        `the provider published ${publication.chunks} chunks (k = ${publication.minChunks}); the device is fixed at ${fuzzy.chunks} (k = ${fuzzy.minChunks})`,
      );
    rejected(() => checkPublication(group, publication.data, config.tpsi));
    const sender = new ChunkVoucherSender(
      new PublishedTable(group, publication.data),
      fuzzy,
      config.tpsi.syntheticRate,
    );
    return voucherDevice('chunked-tpsi', account, (photo) => {
      const hash = parsePsiInput(photo.input);
      if (hash.nbits !== publication.nbits)
        throw new PipelineError(
          'protocol-message-rejected',
          `a ${hash.nbits}-bit hash for ${publication.nbits}-bit chunks`,
        );
      const { voucher, synthetic } = sender.voucher(photo, hash);
      return { bytes: encodeChunkVoucher(group, voucher), synthetic };
    });
  },
};
