// The parameters of a tpsi-ad deployment and their checks: threshold t, synthetic rate s, cuckoo ε, the DHF capacity
// (synthetic vouchers an account may send) and the fixed ad size.
import { PsiError } from '../../errors.js';
import { DHF_SLACK } from './dhf.js';
import { MAX_AD_BYTES, MAX_DHF_DIMENSION, MAX_THRESHOLD } from './wire-format.js';

export interface TpsiParams {
  /** Real matches an account needs before the server learns anything but counts. */
  readonly threshold: number;
  /** Probability that a client sends a synthetic voucher instead of a real one. */
  readonly syntheticRate: number;
  /** The cuckoo table has ⌈(1 + ε)·n⌉ slots for n database entries. */
  readonly cuckooEpsilon: number;
  /** The most synthetic vouchers one account sends; the DHF has this many dimensions plus slack. */
  readonly dhfCapacity: number;
  /** Bytes of associated data each voucher carries (shorter ad is padded). */
  readonly adBytes: number;
}

/**
 * What a client fixes in its own configuration (in a deployment: in the client software), so that a server cannot
 * lower the threshold or shrink the DHF: it refuses published data that differ.
 */
export type TpsiClientParams = Pick<TpsiParams, 'threshold' | 'syntheticRate' | 'dhfCapacity' | 'adBytes'>;

export const DEFAULT_TPSI_PARAMS: TpsiParams = {
  threshold: 30,
  syntheticRate: 0.02,
  cuckooEpsilon: 1.2,
  dhfCapacity: 64,
  adBytes: 64,
};

export const dhfDimensionOf = (params: Pick<TpsiParams, 'dhfCapacity'>): number => params.dhfCapacity + DHF_SLACK;

/** Checks what a client fixes: threshold, synthetic rate, DHF capacity and ad size. */
export function checkTpsiClientParams<P extends TpsiClientParams>(p: P): P {
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > MAX_THRESHOLD)
    throw new PsiError(`threshold must be an integer in 1..${MAX_THRESHOLD}, got ${p.threshold}`);
  if (!(p.syntheticRate >= 0 && p.syntheticRate < 1))
    throw new PsiError(`synthetic rate must lie in [0, 1), got ${p.syntheticRate}`);
  if (!Number.isInteger(p.dhfCapacity) || p.dhfCapacity < 1 || dhfDimensionOf(p) > MAX_DHF_DIMENSION) {
    throw new PsiError(`DHF capacity must be an integer in 1..${MAX_DHF_DIMENSION - DHF_SLACK}, got ${p.dhfCapacity}`);
  }
  if (!Number.isInteger(p.adBytes) || p.adBytes < 0 || p.adBytes > MAX_AD_BYTES)
    throw new PsiError(`ad size must be an integer in 0..${MAX_AD_BYTES}, got ${p.adBytes}`);
  return p;
}

export function checkTpsiParams(p: TpsiParams): TpsiParams {
  checkTpsiClientParams(p);
  if (!(p.cuckooEpsilon >= 0) || !Number.isFinite(p.cuckooEpsilon))
    throw new PsiError(`cuckoo ε must be a non-negative number, got ${p.cuckooEpsilon}`);
  return p;
}
