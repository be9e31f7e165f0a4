// The near-duplicate PSI variants in the pipeline. ball-expansion: per photo input the device sends one batched OPRF
// request over the Hamming ball and learns membership within r from the reply. chunked-tpsi: per photo input the device
// sends one chunk voucher (id derived from the message id, ad = message id + derivative); the provider opens photos
// with ≥ k matching chunks and reveals their ad once the account holds t. chunked is not carried: its second round
// (the encrypted distance check) needs a reply to a reply, and the pipeline's matcher answers each message once.
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { ProtocolError } from '../../psi/errors.js';
import {
  ballExpansionClient,
  ballExpansionServer,
  ballFilterRate,
} from '../../psi/protocols/ball-expansion/parties.js';
import { chunkedTpsiServer } from '../../psi/protocols/chunked-tpsi/parties.js';
import { createChunkVoucher } from '../../psi/protocols/chunked-tpsi/voucher.js';
import { ballSize, parsePsiInput } from '../../psi/protocols/fuzzy/hash-bits.js';
import { encodeChunkVoucher } from '../../psi/protocols/fuzzy/messages.js';
import { DEFAULT_FUZZY_PARAMS, type FuzzyParams } from '../../psi/protocols/fuzzy/params.js';
import type { PsiParty } from '../../psi/protocols/party.js';
import { createAccountSecrets, noCoordinatesUsed } from '../../psi/protocols/tpsi-ad/account.js';
import { dhfCapacity } from '../../psi/protocols/tpsi-ad/dhf.js';
import { checkPublication } from '../../psi/protocols/tpsi-ad/parties.js';
import { PublishedTable } from '../../psi/protocols/tpsi-ad/voucher.js';
import { decodeExpected } from '../../psi/wire.js';
import { PipelineError } from '../errors.js';
import type { MessageBinding, Reveal, ScanConfig, ScanProtocol } from '../scan-protocol.js';
import { MAX_VOUCHERS_PER_MESSAGE, voucherIdOf } from './tpsi-ad.js';

/** The run's radius r; chunks m and k at their defaults (8 and 2; the pipeline has no options for them yet). */
const fuzzyOf = (config: ScanConfig): FuzzyParams => ({ ...DEFAULT_FUZZY_PARAMS, maxDistance: config.maxDistance });

function rejected<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProtocolError) throw new PipelineError('protocol-message-rejected', e.message);
    throw e;
  }
}

/** A uniform number in [0, 1) with 53 bits from the system CSPRNG. */
function randomUnit(): number {
  const w = crypto.getRandomValues(new Uint32Array(2));
  return ((w[0]! >>> 5) * 67108864 + (w[1]! >>> 6)) / 9007199254740992;
}

export const ballExpansionScan: ScanProtocol = {
  name: 'ball-expansion',
  learner: 'device',
  hashInTheClear: false,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher(group, database, config) {
    const first = database[0];
    const evaluations = first ? ballSize(parsePsiInput(first).nbits, fuzzyOf(config).maxDistance) : 1;
    const server = ballExpansionServer(group, database, {
      filterRate: ballFilterRate(config.falsePositiveRate, evaluations),
    });
    return {
      publish: () => server.prepare(),
      receive: (_binding, messages) => rejected(() => messages.flatMap((m) => server.receive(m))),
      revealed: () => [],
      accountViews: () => [],
    };
  },
  createDevice(group, published, _account, config) {
    // One client party per PSI input of a photo (each sends one batched request); replies arrive in request order.
    const pending = new Map<string, { clients: PsiParty[]; replies: number }>();
    const learned = new Map<string, boolean>();
    return {
      scan(request) {
        const clients = request.inputs.map((input) => {
          const client = ballExpansionClient(group, [input], fuzzyOf(config));
          rejected(() => published.forEach((m) => client.receive(m)));
          return client;
        });
        pending.set(bytesToHex(request.messageId), { clients, replies: 0 });
        return clients.flatMap((c) => c.start());
      },
      receive(messageId, reply) {
        const id = bytesToHex(messageId);
        const p = pending.get(id);
        const client = p?.clients[p.replies];
        if (!p || !client)
          throw new PipelineError('wrong-binding', `a reply for message ${id}, which is not waiting for one`);
        rejected(() => client.receive(reply));
        if (++p.replies < p.clients.length) return;
        pending.delete(id);
        learned.set(
          id,
          p.clients.some((c) => {
            const o = c.outcome();
            return o?.kind === 'membership' && o.matches.some(Boolean);
          }),
        );
      },
      learned: () => learned,
      decoys: () => new Map(),
    };
  },
};

export const chunkedTpsiScan: ScanProtocol = {
  name: 'chunked-tpsi',
  learner: 'provider',
  hashInTheClear: false,
  revealsAd: true,
  adCapacity: (config) => config.tpsi.adBytes,
  createMatcher(group, database, config) {
    const server = chunkedTpsiServer(group, database, fuzzyOf(config), config.tpsi);
    const bindings = new Map<string, MessageBinding>();
    return {
      publish: () => server.prepare(),
      receive(binding, messages) {
        if (messages.length < 1 || messages.length > MAX_VOUCHERS_PER_MESSAGE)
          throw new PipelineError('malformed-record', `${messages.length} vouchers in one message`);
        messages.forEach((m, k) => {
          const { voucher } = rejected(() => decodeExpected('fuzzy-tpsi-voucher', m, group));
          if (voucher.account !== binding.account || !equalBytes(voucher.id, voucherIdOf(binding.messageId, k)))
            throw new PipelineError(
              'wrong-binding',
              `voucher ${k} of message ${bytesToHex(binding.messageId)} belongs to another message or account`,
            );
          rejected(() => server.receive(m));
          bindings.set(bytesToHex(voucher.id), binding);
        });
        return [];
      },
      revealed(): Reveal[] {
        const out = new Map<string, Reveal>();
        for (const view of server.accounts())
          for (const r of view.revealed) {
            const binding = bindings.get(bytesToHex(r.id));
            if (binding) out.set(bytesToHex(binding.messageId), { ...binding, ad: r.ad });
          }
        return [...out.values()];
      },
      accountViews: () =>
        server.accounts().map((v) => ({
          account: v.account,
          vouchers: v.vouchers,
          opened: v.opened,
          realShares: v.realShares,
          keyReconstructed: v.keyReconstructed,
          revealed: v.revealed.length,
          failure: v.failure,
        })),
    };
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
    const table = new PublishedTable(group, publication.data);
    const secrets = createAccountSecrets(account, config.tpsi.threshold, publication.data.dhfDimension);
    const capacity = dhfCapacity(publication.data.dhfDimension);
    const used = noCoordinatesUsed();
    let synthetic = 0;
    const decoys = new Map<string, boolean[]>();
    return {
      scan(request) {
        if (request.account !== account)
          throw new PipelineError('wrong-binding', `account ${account}'s device asked to scan for ${request.account}`);
        if (request.inputs.length > MAX_VOUCHERS_PER_MESSAGE)
          throw new PipelineError('malformed-record', `${request.inputs.length} inputs for one photo`);
        const flags: boolean[] = [];
        decoys.set(bytesToHex(request.messageId), flags);
        return request.inputs.map((input, k) => {
          const hash = parsePsiInput(input);
          if (hash.nbits !== publication.nbits)
            throw new PipelineError(
              'protocol-message-rejected',
              `a ${hash.nbits}-bit hash for ${publication.nbits}-bit chunks`,
            );
          const isSynthetic = synthetic < capacity && randomUnit() < config.tpsi.syntheticRate;
          if (isSynthetic) synthetic++;
          flags.push(isSynthetic);
          const photo = { account, input, id: voucherIdOf(request.messageId, k), ad: request.ad };
          return encodeChunkVoucher(
            group,
            createChunkVoucher({
              table,
              chunks: fuzzy.chunks,
              minChunks: fuzzy.minChunks,
              secrets,
              used,
              photo,
              hash,
              synthetic: isSynthetic,
            }),
          );
        });
      },
      receive() {
        throw new PipelineError('protocol-message-rejected', 'the chunked-tpsi device expects no replies');
      },
      learned: () => new Map(),
      decoys: () => decoys,
    };
  },
};
