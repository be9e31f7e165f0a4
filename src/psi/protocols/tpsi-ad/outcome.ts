// Per-account results of a tpsi-ad run against the plaintext truth: matches, synthetic vouchers, what the server opened
// and whether it revealed exactly the ad it should (the real matches' ad when there are at least t, else none).
import { bytesToHex } from '@noble/curves/utils.js';
import { formatTable } from '../../../util/table.js';
import type { AccountView } from './collector.js';
import type { TpsiParams } from './params.js';
import type { TpsiSetupInfo } from './parties.js';
import { photoIndexOfAd, type TpsiParties } from './session.js';
import type { TpsiPhoto } from './voucher.js';

export interface TpsiAccountOutcome {
  readonly account: number;
  readonly photos: number;
  /** Photos whose hash is in the database (plaintext truth). */
  readonly trueMatches: number;
  /** Vouchers the client made synthetic (known to the client only). */
  readonly synthetic: number;
  /** True matches sent as real vouchers: the shares the server can collect. */
  readonly realMatches: number;
  readonly opened: number;
  readonly replays: number;
  /** Opened vouchers the server identified as real (0 below the threshold). */
  readonly realSharesFound: number;
  readonly keyReconstructed: boolean;
  readonly adRevealed: number;
  /** Ads the server should reveal: the real matches' when there are at least t of them, otherwise none. */
  readonly expectedRevealed: number;
  /** Revealed ads are exactly the expected ones, each equal to the ad its photo was sent with. */
  readonly revealedCorrect: boolean;
  /** The server's unbiased estimate of true matches from what it sees: (opened − s·photos)/(1 − s). */
  readonly estimatedMatches: number;
}

export interface TpsiRunOutcome {
  readonly params: TpsiParams;
  readonly accounts: number;
  readonly setup: TpsiSetupInfo | null;
  readonly rows: readonly TpsiAccountOutcome[];
  readonly allCorrect: boolean;
}

export function tpsiRunOutcome(
  params: TpsiParams,
  accounts: number,
  setup: TpsiSetupInfo | null,
  photos: readonly TpsiPhoto[],
  trueMatches: readonly boolean[],
  synthetic: readonly boolean[],
  views: readonly AccountView[],
): TpsiRunOutcome {
  const rows = Array.from({ length: accounts }, (_, account): TpsiAccountOutcome => {
    const mine = photos.flatMap((p, i) => (p.account === account ? [i] : []));
    const realMatches = mine.filter((i) => trueMatches[i] && !synthetic[i]);
    const expected = new Set(realMatches.length >= params.threshold ? realMatches : []);
    const view = views.find((v) => v.account === account);
    const revealed = view?.revealed ?? [];
    const revealedIndices = revealed.map((r) => {
      const i = photoIndexOfAd(r.ad);
      const p = i === undefined ? undefined : photos[i];
      return p &&
        p.account === account &&
        bytesToHex(p.id) === bytesToHex(r.id) &&
        bytesToHex(p.ad) === bytesToHex(r.ad)
        ? i!
        : -1;
    });
    const opened = view?.opened ?? 0;
    return {
      account,
      photos: mine.length,
      trueMatches: mine.filter((i) => trueMatches[i]).length,
      synthetic: mine.filter((i) => synthetic[i]).length,
      realMatches: realMatches.length,
      opened,
      replays: view?.replays ?? 0,
      realSharesFound: view?.realShares ?? 0,
      keyReconstructed: view?.keyReconstructed ?? false,
      adRevealed: revealed.length,
      expectedRevealed: expected.size,
      revealedCorrect:
        revealedIndices.length === expected.size &&
        new Set(revealedIndices).size === expected.size &&
        revealedIndices.every((i) => expected.has(i)),
      estimatedMatches: (opened - params.syntheticRate * mine.length) / (1 - params.syntheticRate),
    };
  });
  return { params, accounts, setup, rows, allCorrect: rows.every((r) => r.revealedCorrect) };
}

/** The outcome of a finished run of `parties`, against the plaintext truth per photo. */
export const tpsiPartiesOutcome = (
  parties: TpsiParties,
  params: TpsiParams,
  accounts: number,
  trueMatches: readonly boolean[],
): TpsiRunOutcome =>
  tpsiRunOutcome(
    params,
    accounts,
    parties.server.setupInfo(),
    parties.photos,
    trueMatches,
    parties.client.synthetic(),
    parties.server.accounts(),
  );

/** The outcome as an aligned table for a terminal. */
export function formatTpsiOutcome(r: TpsiRunOutcome): string {
  const p = r.params;
  const head = [
    `tpsi-ad: threshold t = ${p.threshold}, synthetic rate s = ${p.syntheticRate}, cuckoo ε = ${p.cuckooEpsilon}, DHF capacity ${p.dhfCapacity}, ${r.accounts} accounts (photos assigned round-robin)`,
  ];
  if (r.setup)
    head.push(
      `cuckoo table ${r.setup.tableSize} slots for ${r.setup.distinctEntries} distinct entries (${r.setup.rehashes} rehashes), published ${r.setup.publicDataBytes} bytes`,
    );
  const table = [
    [
      'account',
      'photos',
      'matches',
      'synthetic',
      'real shares',
      'opened',
      'server estimate',
      'replays',
      'key',
      'ad revealed',
      'expected',
      'check',
    ],
    ...r.rows.map((a) => [
      String(a.account),
      String(a.photos),
      String(a.trueMatches),
      String(a.synthetic),
      String(a.realMatches),
      String(a.opened),
      a.estimatedMatches.toFixed(1),
      String(a.replays),
      a.keyReconstructed ? 'reconstructed' : '-',
      String(a.adRevealed),
      String(a.expectedRevealed),
      a.revealedCorrect ? 'ok' : 'WRONG',
    ]),
  ];
  const verdict = r.allCorrect
    ? 'revealed ad = real matches of every account at or above t, nothing below: ok'
    : 'revealed ad differ from the real matches at or above t: WRONG';
  return `${head.join('\n')}\n${formatTable(table)}${verdict}\n`;
}
