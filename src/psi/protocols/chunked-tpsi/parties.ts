// chunked-tpsi: threshold PSI with associated data (tpsi-ad) on chunks. The server publishes a tpsi-ad cuckoo table of
// α·H(chunk j of y) over every entry's m chunks; each photo sends one voucher with an outer layer per chunk. A chunk
// whose value is some database entry's chunk j opens, releasing a Shamir share of the photo key; with ≥ k shares the
// server opens the photo's tpsi-ad payload, which counts towards the account threshold t as in tpsi-ad. An
// approximation of "distance ≤ r": chunks may match different entries, and a photo within r may keep fewer than k
// chunks intact (never when k ≤ m − r). Leaks, below t and for non-matching photos too: which chunks opened.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { decodeExpected, type WireLimits } from '../../wire.js';
import { SYSTEM_RANDOMNESS, groupWithRandom, type PsiRandomness } from '../../random.js';
import { partyBasics, type PsiOutcome, type PsiParty, type WorkerSetupParty } from '../party.js';
import { openOnce } from '../tpsi-ad/aead.js';
import { AccountCollector, accountViews, revealedInArrivalOrder, type AccountView } from '../tpsi-ad/collector.js';
import { slotContext, voucherContext } from '../tpsi-ad/context.js';
import { openSlot } from '../tpsi-ad/outer-layer.js';
import { checkPublication } from '../tpsi-ad/parties.js';
import { checkTpsiParams, dhfDimensionOf, type TpsiParams } from '../tpsi-ad/params.js';
import { decodePayload } from '../tpsi-ad/payload.js';
import { setupTpsiServer, setupTpsiServerInWorkers, type TpsiServerSetup } from '../tpsi-ad/server-setup.js';
import { fieldElementFromBytes, reconstructSecret, type ShamirShare } from '../tpsi-ad/shamir.js';
import { tpsiPhotos } from '../tpsi-ad/session.js';
import { PublishedTable } from '../tpsi-ad/voucher.js';
import { chunkInputsOf, chunkRanges, parseSameHashes } from '../fuzzy/hash-bits.js';
import { encodeChunkVoucher, encodeFuzzyTpsiPublicData } from '../fuzzy/messages.js';
import type { FuzzyParams } from '../fuzzy/params.js';
import { ChunkVoucherSender } from './sender.js';
import { SHARE_AD_INDEX, chunkContext, photoKeyOf } from './voucher.js';

/** What the server saw of one voucher: the chunks whose outer layer opened, and whether the photo payload opened. */
export interface ChunkVoucherView {
  readonly account: number;
  readonly id: string;
  readonly chunksOpened: readonly number[];
  readonly photoOpened: boolean;
}

export interface ChunkedTpsiServerParty extends WorkerSetupParty {
  vouchers(): readonly ChunkVoucherView[];
  accounts(): AccountView[];
  /** Distinct chunk values in the published table. */
  tableEntries(): number;
}

/** What the parties are built with besides their data and parameters. */
export interface ChunkedTpsiOptions {
  readonly limits?: WireLimits;
  /** Keys, blinds and nonces from `secret`; voucher ids, synthetic coins and the cuckoo table's seeds from `simulation`. */
  readonly random?: PsiRandomness;
}

export function chunkedTpsiServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  fuzzy: FuzzyParams,
  params: TpsiParams,
  options: ChunkedTpsiOptions = {},
): ChunkedTpsiServerParty {
  const { limits, random } = options;
  checkTpsiParams(params);
  const { hashes: entries, nbits } = parseSameHashes(database, 'chunked-tpsi', 'database hashes');
  if (nbits > 0) chunkRanges(nbits, fuzzy.chunks);
  const { group, counts } = countingGroup(baseGroup);
  const basics = partyBasics('server', counts);
  const { transcript } = basics;
  const collectors = new Map<number, AccountCollector>();
  const views: ChunkVoucherView[] = [];
  const collectorParams = {
    threshold: params.threshold,
    dhfDimension: dhfDimensionOf(params),
    adBytes: params.adBytes,
  };
  let alpha: Scalar | undefined;
  let distinct = 0;
  let adopted: TpsiServerSetup | undefined;
  const chunkInputs = (): Uint8Array[] => entries.flatMap((y) => chunkInputsOf(y, fuzzy.chunks));

  const receiveVoucher = (message: Uint8Array): void => {
    if (!alpha) throw new ProtocolError('unexpected-message', 'a voucher before the server published its table');
    const key = alpha;
    const { voucher } = decodeExpected('fuzzy-tpsi-voucher', message, group, limits);
    if (voucher.chunks.length !== fuzzy.chunks)
      throw new ProtocolError('wrong-count', `a voucher of ${voucher.chunks.length} chunks, expected ${fuzzy.chunks}`);
    transcript.received('fuzzy-tpsi-voucher', message);
    const id = bytesToHex(voucher.id);
    const collector = collectors.get(voucher.account) ?? new AccountCollector(voucher.account, collectorParams);
    collector.requireUsable();
    collectors.set(voucher.account, collector);
    if (collector.isReplay(voucher.id)) {
      transcript.computed('voucher', { account: voucher.account, id, replay: true });
      return;
    }
    const context = voucherContext(group, voucher.account, voucher.id);
    const shares: ShamirShare[] = [];
    const chunksOpened: number[] = [];
    voucher.chunks.forEach((chunk, j) => {
      const ctx = chunkContext(context, j);
      const keys = chunk.slots
        .map((slot, index) => openSlot(group, key, slot, slotContext(ctx, index)))
        .filter((k) => k !== undefined);
      if (keys.length > 1) throw new ProtocolError('invalid-field', `both slots of chunk ${j} open`);
      if (keys.length === 0) return;
      const plain = openOnce(keys[0]!, chunk.share, slotContext(ctx, SHARE_AD_INDEX));
      const y = plain && fieldElementFromBytes(plain);
      if (y === undefined) throw new ProtocolError('invalid-field', `the share of chunk ${j} does not open`);
      shares.push({ x: BigInt(j + 1), y });
      chunksOpened.push(j);
    });
    let photoOpened = false;
    if (shares.length >= fuzzy.minChunks) {
      const photoKey = photoKeyOf(reconstructSecret(shares.slice(0, fuzzy.minChunks)));
      const plaintext = openOnce(photoKey, voucher.payload, context);
      if (!plaintext) throw new ProtocolError('invalid-field', 'the photo payload does not open under its shares');
      const payload = decodePayload(plaintext, params.adBytes, collectorParams.dhfDimension);
      if (!collector.repeatsPoint(voucher.id, payload)) {
        photoOpened = true;
        for (const r of collector.addOpened(voucher.id, context, payload))
          transcript.computed('ad revealed', { account: voucher.account, id: bytesToHex(r.id), ad: bytesToHex(r.ad) });
      }
    } else collector.addShut(voucher.id);
    views.push({ account: voucher.account, id, chunksOpened, photoOpened });
    transcript.computed('voucher', { account: voucher.account, id, chunksOpened, photoOpened });
  };

  return {
    ...basics,
    async setupInWorkers(jobs) {
      if (jobs <= 1) return;
      // Built on the uncounted group; what the one-thread setup counts: per slot a hash to the group and an encoding,
      // per entry a multiplication; the generator G (a hash), L = α·G, and α (a seeded hash to a scalar, or a draw).
      const setup = await setupTpsiServerInWorkers(baseGroup, chunkInputs(), params, { random, jobs });
      counts.hashToGroup += setup.table.size + 1;
      counts.encodeElement += setup.table.size;
      counts.multiply += setup.distinctEntries + 1;
      if (random?.secret.seeded) counts.hashToScalar++;
      else counts.randomScalar++;
      adopted = setup;
    },
    prepare() {
      const setup = adopted ?? setupTpsiServer(group, chunkInputs(), params, { random });
      alpha = setup.alpha;
      distinct = setup.distinctEntries;
      return [
        encodeFuzzyTpsiPublicData(group, { nbits, chunks: fuzzy.chunks, minChunks: fuzzy.minChunks }, setup.publicData),
      ];
    },
    start: () => [],
    receive: (message): Uint8Array[] => {
      receiveVoucher(message);
      return [];
    },
    /** Per voucher in arrival order: whether the server revealed its ad (≥ k chunks and ≥ t real matches). */
    outcome: (): PsiOutcome => revealedInArrivalOrder(collectors.values(), views),
    vouchers: () => views,
    accounts: () => accountViews(collectors.values()),
    tableEntries: () => distinct,
  };
}

export function chunkedTpsiClient(
  baseGroup: PrimeOrderGroup,
  queries: readonly Uint8Array[],
  fuzzy: FuzzyParams,
  params: TpsiParams,
  accounts: number,
  options: ChunkedTpsiOptions = {},
): PsiParty {
  const { limits } = options;
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const { hashes, nbits } = parseSameHashes(queries, 'chunked-tpsi', 'photo hashes');
  if (nbits > 0) chunkRanges(nbits, fuzzy.chunks);
  const photos = tpsiPhotos(queries, accounts, random.simulation);
  const { group, counts } = countingGroup(groupWithRandom(baseGroup, random.secret));
  const basics = partyBasics('client', counts);
  const { transcript } = basics;
  let received = false;
  return {
    ...basics,
    prepare: () => [],
    start: () => [],
    receive(message) {
      const published = decodeExpected('fuzzy-tpsi-public-data', message, group, limits);
      if (received) throw new ProtocolError('unexpected-message', 'a second copy of the published data');
      const { data } = published;
      // The client's own parameters decide; published data that disagrees is refused.
      if (published.nbits !== nbits || published.chunks !== fuzzy.chunks || published.minChunks !== fuzzy.minChunks)
        throw new ProtocolError(
          'parameter-mismatch',
          `the server published ${published.chunks} chunks (k = ${published.minChunks}) of ${published.nbits}-bit hashes; this client is fixed at ${fuzzy.chunks} (k = ${fuzzy.minChunks}) of ${nbits}`,
        );
      checkPublication(group, data, params);
      received = true;
      transcript.received('fuzzy-tpsi-public-data', message);
      const sender = new ChunkVoucherSender(new PublishedTable(group, data), fuzzy, params.syntheticRate, random);
      return photos.map((photo, index) => {
        const { voucher, synthetic } = sender.voucher(photo, hashes[index]!);
        transcript.confidential('voucher', { account: photo.account, photo: index, synthetic });
        return encodeChunkVoucher(group, voucher);
      });
    },
    outcome: () => null,
  };
}
