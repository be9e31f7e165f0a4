// The ideal functionality of tpsi-ad below the threshold, and a fast simulation of it: per account the server learns
// which vouchers opened — every true match (sent real or synthetic) and each other photo with probability s — and
// nothing of their content. With a DHF capacity C the client stops making synthetic vouchers after C of them.
import { binomial, hypergeometric, type Uniform } from './samplers.js';

/** Per photo, whether its voucher opens at the server: it is synthetic, or its hash is in the database. */
export function openedVouchers(matches: readonly boolean[], synthetic: readonly boolean[]): boolean[] {
  return matches.map((m, i) => m || synthetic[i] === true);
}

/** True matches sent as real vouchers: the shares the server can collect (it needs t to reconstruct). */
export const realShares = (matches: readonly boolean[], synthetic: readonly boolean[]): number =>
  matches.filter((m, i) => m && !synthetic[i]).length;

export interface VoucherModel {
  /** Photos the account sends. */
  readonly photos: number;
  readonly syntheticRate: number;
  /** Most synthetic vouchers per account (Infinity: no cap, the ideal functionality). */
  readonly capacity: number;
}

export interface AccountSample {
  readonly matches: number;
  readonly synthetic: number;
  /** Synthetic vouchers that replaced a true match's voucher. */
  readonly syntheticMatches: number;
  readonly opened: number;
  readonly realShares: number;
  /** The client hit the capacity and sent its later photos real. */
  readonly capped: boolean;
}

/**
 * One account with `matches` true matches. Synthetic coins are independent of matching and photos arrive in random
 * order, so the synthetic count is min(Bin(n, s), C) and the matches among synthetic vouchers are hypergeometric.
 */
export function sampleAccount(u: Uniform, model: VoucherModel, matches: number): AccountSample {
  const drawn = binomial(u, model.photos, model.syntheticRate);
  const synthetic = Math.min(drawn, model.capacity);
  const syntheticMatches = hypergeometric(u, model.photos, matches, synthetic);
  return {
    matches,
    synthetic,
    syntheticMatches,
    opened: matches + synthetic - syntheticMatches,
    realShares: matches - syntheticMatches,
    capped: drawn > model.capacity,
  };
}
