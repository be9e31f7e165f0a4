// chunked-tpsi: threshold PSI with associated data (tpsi-ad) on chunks. The server publishes a tpsi-ad cuckoo table of
// α·H(chunk j of y) over every entry's m chunks; each photo sends one voucher with an outer layer per chunk. A chunk
// whose value is some database entry's chunk j opens, releasing a Shamir share of the photo key; with ≥ k shares the
// server opens the photo's tpsi-ad payload, which counts towards the account threshold t as in tpsi-ad. An
// approximation of "distance ≤ r": chunks may match different entries, and a photo within r may keep fewer than k
// chunks intact (never when k ≤ m − r). Leaks, below t and for non-matching photos too: which chunks opened.
import { bytesToHex } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { Hash } from '../../../hash/types.js';
import { ProtocolError, PsiError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { Transcript } from '../../transcript.js';
import { decodeExpected, type WireLimits } from '../../wire.js';
import type { PsiOutcome, PsiParty } from '../party.js';
import {
  createAccountSecrets,
  noCoordinatesUsed,
  type AccountSecrets,
  type UsedCoordinates,
} from '../tpsi-ad/account.js';
import { openOnce } from '../tpsi-ad/aead.js';
import { AccountCollector, type AccountView } from '../tpsi-ad/collector.js';
import { slotContext, voucherContext } from '../tpsi-ad/context.js';
import { dhfCapacity } from '../tpsi-ad/dhf.js';
import { openSlot } from '../tpsi-ad/outer-layer.js';
import { checkPublication } from '../tpsi-ad/parties.js';
import { checkTpsiParams, dhfDimensionOf, type TpsiParams } from '../tpsi-ad/params.js';
import { decodePayload } from '../tpsi-ad/payload.js';
import { setupTpsiServer } from '../tpsi-ad/server-setup.js';
import { fieldElementFromBytes, reconstructSecret, type ShamirShare } from '../tpsi-ad/shamir.js';
import { tpsiPhotos } from '../tpsi-ad/session.js';
import { PublishedTable } from '../tpsi-ad/voucher.js';
import { chunkInputsOf, chunkRanges, parsePsiInput } from '../fuzzy/hash-bits.js';
import { encodeChunkVoucher, encodeFuzzyTpsiPublicData } from '../fuzzy/messages.js';
import type { FuzzyParams } from '../fuzzy/params.js';
import { SHARE_AD_INDEX, chunkContext, createChunkVoucher, photoKeyOf } from './voucher.js';

/** What the server saw of one voucher: the chunks whose outer layer opened, and whether the photo payload opened. */
export interface ChunkVoucherView {
  readonly account: number;
  readonly id: string;
  readonly chunksOpened: readonly number[];
  readonly photoOpened: boolean;
}

export interface ChunkedTpsiServerParty extends PsiParty {
  vouchers(): readonly ChunkVoucherView[];
  accounts(): AccountView[];
  /** Distinct chunk values in the published table. */
  tableEntries(): number;
}

function sameHashes(hashes: readonly Hash[], what: string): number {
  const nbits = hashes[0]?.nbits ?? 0;
  if (hashes.some((h) => h.nbits !== nbits || h.algo !== hashes[0]?.algo))
    throw new PsiError(`chunked-tpsi needs ${what} of one algorithm and length`);
  return nbits;
}

export function chunkedTpsiServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  fuzzy: FuzzyParams,
  params: TpsiParams,
  limits?: WireLimits,
): ChunkedTpsiServerParty {
  checkTpsiParams(params);
  const entries = database.map((y) => parsePsiInput(y));
  const nbits = sameHashes(entries, 'database hashes');
  if (nbits > 0) chunkRanges(nbits, fuzzy.chunks);
  const { group, counts } = countingGroup(baseGroup);
  const transcript = new Transcript('server');
  const collectors = new Map<number, AccountCollector>();
  const views: ChunkVoucherView[] = [];
  const collectorParams = {
    threshold: params.threshold,
    dhfDimension: dhfDimensionOf(params),
    adBytes: params.adBytes,
  };
  let alpha: Scalar | undefined;
  let distinct = 0;

  const receive = (message: Uint8Array): void => {
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
    role: 'server',
    transcript,
    ops: counts,
    prepare() {
      const chunkInputs = entries.flatMap((y) => chunkInputsOf(y, fuzzy.chunks));
      const setup = setupTpsiServer(group, chunkInputs, params);
      alpha = setup.alpha;
      distinct = setup.distinctEntries;
      return [
        encodeFuzzyTpsiPublicData(group, { nbits, chunks: fuzzy.chunks, minChunks: fuzzy.minChunks }, setup.publicData),
      ];
    },
    start: () => [],
    receive(message) {
      receive(message);
      return [];
    },
    /** Per voucher in arrival order: whether the server revealed its ad (≥ k chunks and ≥ t real matches). */
    outcome(): PsiOutcome {
      const revealed = new Set<string>();
      for (const c of collectors.values())
        for (const r of c.view().revealed) revealed.add(`${c.account}:${bytesToHex(r.id)}`);
      return { kind: 'membership', matches: views.map((v) => revealed.has(`${v.account}:${v.id}`)) };
    },
    vouchers: () => views,
    accounts: () => [...collectors.values()].map((c) => c.view()).sort((a, b) => a.account - b.account),
    tableEntries: () => distinct,
  };
}

/** A uniform number in [0, 1) from 53 random bits of the system CSPRNG. */
function randomUnit(): number {
  const b = randomBytes(7);
  let v = b[0]! & 0x1f;
  for (let i = 1; i < 7; i++) v = v * 256 + b[i]!;
  return v / 2 ** 53;
}

export function chunkedTpsiClient(
  baseGroup: PrimeOrderGroup,
  queries: readonly Uint8Array[],
  fuzzy: FuzzyParams,
  params: TpsiParams,
  accounts: number,
  limits?: WireLimits,
): PsiParty {
  const hashes = queries.map((x) => parsePsiInput(x));
  const nbits = sameHashes(hashes, 'photo hashes');
  if (nbits > 0) chunkRanges(nbits, fuzzy.chunks);
  const photos = tpsiPhotos(queries, accounts);
  const { group, counts } = countingGroup(baseGroup);
  const transcript = new Transcript('client');
  let received = false;
  return {
    role: 'client',
    transcript,
    ops: counts,
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
      const table = new PublishedTable(group, data);
      const state = new Map<number, { secrets: AccountSecrets; used: UsedCoordinates; synthetic: number }>();
      return photos.map((photo, index) => {
        let account = state.get(photo.account);
        if (!account) {
          account = {
            secrets: createAccountSecrets(photo.account, data.threshold, data.dhfDimension),
            used: noCoordinatesUsed(),
            synthetic: 0,
          };
          state.set(photo.account, account);
        }
        const synthetic = account.synthetic < dhfCapacity(data.dhfDimension) && randomUnit() < params.syntheticRate;
        if (synthetic) account.synthetic++;
        transcript.confidential('voucher', { account: photo.account, photo: index, synthetic });
        return encodeChunkVoucher(
          group,
          createChunkVoucher({
            table,
            chunks: fuzzy.chunks,
            minChunks: fuzzy.minChunks,
            secrets: account.secrets,
            used: account.used,
            photo,
            hash: hashes[index]!,
            synthetic,
          }),
        );
      });
    },
    outcome: () => null,
  };
}
