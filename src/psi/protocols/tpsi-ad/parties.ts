// tpsi-ad as two state machines: the server publishes its blinded cuckoo table and collects vouchers per account; the
// client (the devices of one or more accounts) answers the published data with one voucher per photo, synthetic with
// probability s. The server learns, per account, which vouchers opened, and the ad of real matches only from t on.
import { bytesToHex } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ProtocolError, PsiError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { Transcript } from '../../transcript.js';
import { decodeExpected, encodeTpsiPublicData, encodeTpsiVoucher, type WireLimits } from '../../wire.js';
import type { PsiOutcome, PsiParty } from '../party.js';
import { createAccountSecrets, type AccountSecrets } from './account.js';
import { openOnce } from './aead.js';
import { AccountCollector, type AccountView, type OpenedVoucher } from './collector.js';
import type { CuckooOptions } from './cuckoo.js';
import { dhfCapacity } from './dhf.js';
import { openSlot } from './outer-layer.js';
import { checkTpsiParams, dhfDimensionOf, type TpsiParams } from './params.js';
import { decodePayload } from './payload.js';
import { setupTpsiServer } from './server-setup.js';
import { PublishedTable, createVoucher, type TpsiPhoto } from './voucher.js';
import type { TpsiPublicData } from './wire-format.js';

export interface TpsiSetupInfo {
  readonly tableSize: number;
  readonly distinctEntries: number;
  readonly rehashes: number;
  readonly publicDataBytes: number;
}

export interface TpsiServerParty extends PsiParty {
  /** The table built in `prepare` (null before). */
  setupInfo(): TpsiSetupInfo | null;
  accounts(): AccountView[];
  /** The opened vouchers of one account as the server holds them, for analyses of what it can compute. */
  openedVouchers(account: number): readonly OpenedVoucher[];
}

export interface TpsiClientParty extends PsiParty {
  /** Per photo, whether its voucher was synthetic: known to the client only. */
  synthetic(): readonly boolean[];
}

/** A uniform number in [0, 1) with 53 random bits from the system CSPRNG. */
function randomUnit(): number {
  const b = randomBytes(7);
  let v = b[0]! & 0x1f;
  for (let i = 1; i < 7; i++) v = v * 256 + b[i]!;
  return v / 2 ** 53;
}

export function tpsiServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: { limits?: WireLimits; cuckoo?: CuckooOptions } = {},
): TpsiServerParty {
  checkTpsiParams(params);
  const { group, counts } = countingGroup(baseGroup);
  const transcript = new Transcript('server');
  const collectors = new Map<number, AccountCollector>();
  const arrivals: { account: number; id: string }[] = [];
  let alpha: Scalar | undefined;
  let info: TpsiSetupInfo | null = null;
  const collectorParams = {
    threshold: params.threshold,
    dhfDimension: dhfDimensionOf(params),
    adBytes: params.adBytes,
  };

  const receiveVoucher = (message: Uint8Array): void => {
    if (!alpha) throw new ProtocolError('unexpected-message', 'a voucher before the server published its table');
    const { voucher } = decodeExpected('tpsi-voucher', message, group, options.limits);
    transcript.received('tpsi-voucher', message);
    const id = bytesToHex(voucher.id);
    const collector = collectors.get(voucher.account) ?? new AccountCollector(voucher.account, collectorParams);
    collector.requireUsable();
    if (collector.isReplay(voucher.id)) {
      transcript.computed('voucher', { account: voucher.account, id, replay: true });
      return;
    }
    const key = alpha;
    const keys = voucher.slots.map((slot) => openSlot(group, key, slot)).filter((k) => k !== undefined);
    if (keys.length > 1) throw new ProtocolError('invalid-field', 'both outer-layer slots of a voucher open');
    if (keys.length === 0) {
      collectors.set(voucher.account, collector);
      collector.addShut(voucher.id);
      arrivals.push({ account: voucher.account, id });
      transcript.computed('voucher', { account: voucher.account, id, opened: false });
      return;
    }
    const plaintext = openOnce(keys[0]!, voucher.payload);
    if (!plaintext)
      throw new ProtocolError('invalid-field', 'the payload does not open under the key in the outer layer');
    const payload = decodePayload(plaintext, params.adBytes, collectorParams.dhfDimension);
    collectors.set(voucher.account, collector);
    const revealed = collector.addOpened(voucher.id, payload);
    arrivals.push({ account: voucher.account, id });
    transcript.computed('voucher', { account: voucher.account, id, opened: true });
    const view = collector.view();
    if (revealed.length > 0 && view.revealed.length === revealed.length)
      transcript.computed('key reconstructed', { account: voucher.account, realShares: view.realShares });
    for (const r of revealed)
      transcript.computed('ad revealed', { account: voucher.account, id: bytesToHex(r.id), ad: bytesToHex(r.ad) });
  };

  return {
    role: 'server',
    transcript,
    ops: counts,
    prepare() {
      const setup = setupTpsiServer(group, database, params, options.cuckoo);
      alpha = setup.alpha;
      const published = encodeTpsiPublicData(group, setup.publicData);
      info = {
        tableSize: setup.table.size,
        distinctEntries: setup.distinctEntries,
        rehashes: setup.table.rehashes,
        publicDataBytes: published.length,
      };
      return [published];
    },
    start: () => [],
    receive(message) {
      receiveVoucher(message);
      return [];
    },
    /** Per distinct voucher accepted, in arrival order (the photo order in a run): whether its ad was revealed. */
    outcome(): PsiOutcome {
      const revealed = new Set<string>();
      for (const c of collectors.values())
        for (const r of c.view().revealed) revealed.add(`${c.account}:${bytesToHex(r.id)}`);
      return { kind: 'membership', matches: arrivals.map((a) => revealed.has(`${a.account}:${a.id}`)) };
    },
    setupInfo: () => info,
    accounts: () => [...collectors.values()].map((c) => c.view()).sort((a, b) => a.account - b.account),
    openedVouchers: (account) => collectors.get(account)?.openedVouchers() ?? [],
  };
}

export function tpsiClient(
  baseGroup: PrimeOrderGroup,
  photos: readonly TpsiPhoto[],
  options: { syntheticRate: number; limits?: WireLimits },
): TpsiClientParty {
  if (!(options.syntheticRate >= 0 && options.syntheticRate < 1))
    throw new PsiError(`synthetic rate must lie in [0, 1), got ${options.syntheticRate}`);
  const { group, counts } = countingGroup(baseGroup);
  const transcript = new Transcript('client');
  const synthetic: boolean[] = [];
  let received = false;

  const vouchersFor = (data: TpsiPublicData): Uint8Array[] => {
    const tooLong = photos.find((p) => p.ad.length > data.adBytes);
    if (tooLong)
      throw new ProtocolError(
        'invalid-field',
        `the published ad size of ${data.adBytes} bytes is below a photo's ad of ${tooLong.ad.length} bytes`,
      );
    const table = new PublishedTable(group, data);
    const accounts = new Map<number, { secrets: AccountSecrets; synthetic: number }>();
    const capacity = dhfCapacity(data.dhfDimension);
    return photos.map((photo, index) => {
      let account = accounts.get(photo.account);
      if (!account)
        accounts.set(
          photo.account,
          (account = { secrets: createAccountSecrets(photo.account, data.threshold, data.dhfDimension), synthetic: 0 }),
        );
      const isSynthetic = account.synthetic < capacity && randomUnit() < options.syntheticRate;
      if (isSynthetic) account.synthetic++;
      synthetic.push(isSynthetic);
      transcript.computed('voucher', {
        account: photo.account,
        photo: index,
        id: bytesToHex(photo.id),
        synthetic: isSynthetic,
      });
      return encodeTpsiVoucher(group, createVoucher(table, account.secrets, photo, isSynthetic));
    });
  };

  return {
    role: 'client',
    transcript,
    ops: counts,
    prepare: () => [],
    start: () => [],
    receive(message) {
      const { data } = decodeExpected('tpsi-public-data', message, group, options.limits);
      if (received) throw new ProtocolError('unexpected-message', 'a second copy of the published data');
      received = true;
      transcript.received('tpsi-public-data', message);
      transcript.computed('public data', {
        threshold: data.threshold,
        dhfDimension: data.dhfDimension,
        adBytes: data.adBytes,
        tableSize: data.tableSize,
      });
      return vouchersFor(data);
    },
    outcome: () => null,
    synthetic: () => synthetic,
  };
}
