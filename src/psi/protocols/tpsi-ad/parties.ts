// tpsi-ad as two state machines: the server publishes its blinded cuckoo table and collects vouchers per account; the
// client (the devices of one or more accounts) answers the published data with one voucher per photo, synthetic with
// probability s. The server learns, per account, which vouchers opened, and the ad of real matches only from t on.
// The client trusts nothing the server publishes beyond what it can check: its own threshold, DHF capacity and ad size
// are fixed in its configuration (a publication that differs is refused), and a table with two equal entries is refused.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError, PsiError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { SYSTEM_RANDOMNESS, groupWithRandom, randomUnit, type PsiRandomness } from '../../random.js';
import { Transcript } from '../../transcript.js';
import { decodeExpected, encodeTpsiPublicData, encodeTpsiVoucher, type WireLimits } from '../../wire.js';
import type { PsiOutcome, PsiParty } from '../party.js';
import { createAccountSecrets, noCoordinatesUsed, type AccountSecrets, type UsedCoordinates } from './account.js';
import { openOnce } from './aead.js';
import {
  AccountCollector,
  accountViews,
  revealedInArrivalOrder,
  type AccountView,
  type OpenedVoucher,
} from './collector.js';
import { slotContext, voucherContext } from './context.js';
import type { CuckooOptions } from './cuckoo.js';
import { openSlot } from './outer-layer.js';
import {
  DEFAULT_TPSI_PARAMS,
  checkTpsiClientParams,
  checkTpsiParams,
  dhfDimensionOf,
  type TpsiClientParams,
  type TpsiParams,
} from './params.js';
import { decodePayload } from './payload.js';
import { setupTpsiServer, type TpsiServerSetup } from './server-setup.js';
import { PublishedTable, createVoucher, findDuplicateEntry, type TpsiPhoto } from './voucher.js';
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
  /**
   * Hands over a setup built beforehand from this party's database, parameters and randomness (in worker threads),
   * which `prepare` then publishes instead of building its own.
   */
  adopt(setup: TpsiServerSetup): void;
  accounts(): AccountView[];
  /** The opened vouchers of one account as the server holds them, for analyses of what it can compute. */
  openedVouchers(account: number): readonly OpenedVoucher[];
}

export interface TpsiClientParty extends PsiParty {
  /** Per photo, whether its voucher was synthetic: known to the client only. */
  synthetic(): readonly boolean[];
}

/** What a server party is built with besides its database and parameters. */
export interface TpsiServerOptions {
  readonly limits?: WireLimits;
  readonly cuckoo?: CuckooOptions;
  readonly random?: PsiRandomness;
  /** The most vouchers the server accepts in one session (replays included); more are refused as `oversized`. */
  readonly maxQueries?: number;
  /** Called during setup, per table slot. */
  readonly progress?: (done: number, total: number) => void;
}

export function tpsiServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: TpsiServerOptions = {},
): TpsiServerParty {
  checkTpsiParams(params);
  const { group, counts } = countingGroup(baseGroup);
  let received = 0;
  const transcript = new Transcript('server');
  const collectors = new Map<number, AccountCollector>();
  const arrivals: { account: number; id: string }[] = [];
  let alpha: Scalar | undefined;
  let info: TpsiSetupInfo | null = null;
  let adopted: TpsiServerSetup | undefined;
  const collectorParams = {
    threshold: params.threshold,
    dhfDimension: dhfDimensionOf(params),
    adBytes: params.adBytes,
  };

  const receiveVoucher = (message: Uint8Array): void => {
    if (!alpha) throw new ProtocolError('unexpected-message', 'a voucher before the server published its table');
    if (options.maxQueries !== undefined && received >= options.maxQueries)
      throw new ProtocolError('oversized', `more than the ${options.maxQueries} vouchers a session accepts`);
    const { voucher } = decodeExpected('tpsi-voucher', message, group, options.limits);
    received++;
    transcript.received('tpsi-voucher', message);
    const id = bytesToHex(voucher.id);
    const collector = collectors.get(voucher.account) ?? new AccountCollector(voucher.account, collectorParams);
    collector.requireUsable();
    if (collector.isReplay(voucher.id)) {
      transcript.computed('voucher', { account: voucher.account, id, replay: true });
      return;
    }
    const key = alpha;
    const context = voucherContext(group, voucher.account, voucher.id);
    const keys = voucher.slots
      .map((slot, index) => openSlot(group, key, slot, slotContext(context, index)))
      .filter((k) => k !== undefined);
    if (keys.length > 1) throw new ProtocolError('invalid-field', 'both outer-layer slots of a voucher open');
    if (keys.length === 0) {
      collectors.set(voucher.account, collector);
      collector.addShut(voucher.id);
      arrivals.push({ account: voucher.account, id });
      transcript.computed('voucher', { account: voucher.account, id, opened: false });
      return;
    }
    const plaintext = openOnce(keys[0]!, voucher.payload, context);
    if (!plaintext)
      throw new ProtocolError('invalid-field', 'the payload does not open under the key in the outer layer');
    const payload = decodePayload(plaintext, params.adBytes, collectorParams.dhfDimension);
    collectors.set(voucher.account, collector);
    if (collector.repeatsPoint(voucher.id, payload)) {
      arrivals.push({ account: voucher.account, id });
      transcript.computed('voucher', { account: voucher.account, id, replay: true });
      return;
    }
    const revealed = collector.addOpened(voucher.id, context, payload);
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
      const setup =
        adopted ??
        setupTpsiServer(group, database, params, {
          cuckoo: options.cuckoo,
          random: options.random,
          progress: options.progress,
        });
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
    outcome: (): PsiOutcome => revealedInArrivalOrder(collectors.values(), arrivals),
    setupInfo: () => info,
    adopt(setup) {
      adopted = setup;
    },
    accounts: () => accountViews(collectors.values()),
    openedVouchers: (account) => collectors.get(account)?.openedVouchers() ?? [],
  };
}

/** What a client party is built with besides its photos and fixed parameters. */
export interface TpsiClientOptions {
  readonly limits?: WireLimits;
  /** Secrets (account keys, blinds, nonces) from `secret`; the synthetic draws from `simulation`. */
  readonly random?: PsiRandomness;
  /** Called after each voucher. */
  readonly progress?: (done: number, total: number) => void;
}

/** Refuses published data whose parameters differ from the client's own, or whose table repeats an entry. */
export function checkPublication(group: PrimeOrderGroup, data: TpsiPublicData, params: TpsiClientParams): void {
  const fixed: [string, number, number][] = [
    ['threshold', data.threshold, params.threshold],
    ['DHF dimension', data.dhfDimension, dhfDimensionOf(params)],
    ['ad size', data.adBytes, params.adBytes],
  ];
  for (const [what, published, own] of fixed)
    if (published !== own)
      throw new ProtocolError(
        'parameter-mismatch',
        `the server published ${what} ${published}; this client is fixed at ${own} and refuses it`,
      );
  const duplicate = findDuplicateEntry(data.table, group.elementBytes);
  if (duplicate)
    throw new ProtocolError(
      'duplicate-element',
      `published table entries ${duplicate[0]} and ${duplicate[1]} are equal (an honest table never repeats one)`,
    );
}

export function tpsiClient(
  baseGroup: PrimeOrderGroup,
  photos: readonly TpsiPhoto[],
  params: TpsiClientParams = DEFAULT_TPSI_PARAMS,
  options: TpsiClientOptions = {},
): TpsiClientParty {
  checkTpsiClientParams(params);
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const { group, counts } = countingGroup(groupWithRandom(baseGroup, random.secret));
  const transcript = new Transcript('client');
  const synthetic: boolean[] = [];
  let received = false;

  const vouchersFor = (data: TpsiPublicData): Uint8Array[] => {
    const tooLong = photos.find((p) => p.ad.length > data.adBytes);
    if (tooLong) throw new PsiError(`a photo's ad of ${tooLong.ad.length} bytes exceeds the ad size ${data.adBytes}`);
    const table = new PublishedTable(group, data);
    const accounts = new Map<number, { secrets: AccountSecrets; used: UsedCoordinates; synthetic: number }>();
    return photos.map((photo, index) => {
      let account = accounts.get(photo.account);
      if (!account) {
        const secrets = createAccountSecrets(photo.account, params.threshold, dhfDimensionOf(params), random.secret);
        account = { secrets, used: noCoordinatesUsed(), synthetic: 0 };
        accounts.set(photo.account, account);
      }
      const isSynthetic =
        account.synthetic < params.dhfCapacity && randomUnit(random.simulation) < params.syntheticRate;
      if (isSynthetic) account.synthetic++;
      synthetic.push(isSynthetic);
      transcript.computed('voucher', { account: photo.account, photo: index, id: bytesToHex(photo.id) });
      transcript.confidential('voucher', { photo: index, synthetic: isSynthetic });
      const voucher = createVoucher(table, account.secrets, photo, isSynthetic, {
        random: random.secret,
        used: account.used,
      });
      options.progress?.(index + 1, photos.length);
      return encodeTpsiVoucher(group, voucher);
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
      checkPublication(group, data, params);
      return vouchersFor(data);
    },
    outcome: () => null,
    synthetic: () => synthetic,
  };
}
