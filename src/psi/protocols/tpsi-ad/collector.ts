// The server's state for one account: which voucher ids it has seen, the payloads of the vouchers whose outer layer
// opened, the DHF detector that finds the real ones once there are t of them, and — from then on — the reconstructed
// account key, with which it decrypts the ad of real vouchers only.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../../errors.js';
import type { PsiOutcome } from '../party.js';
import { openWithNonce } from './aead.js';
import { adKeyFromSecret } from './account.js';
import { DhfDetector } from './dhf-detector.js';
import { unpadAd, type VoucherPayload } from './payload.js';
import { evaluatePolynomial, interpolatePolynomial, type ShamirShare } from './shamir.js';

export interface CollectorParams {
  readonly threshold: number;
  readonly dhfDimension: number;
  readonly adBytes: number;
}

export interface OpenedVoucher {
  readonly id: Uint8Array;
  /** The voucher's associated data (version ‖ group ‖ account ‖ id), under which its ad was sealed. */
  readonly context: Uint8Array;
  readonly payload: VoucherPayload;
}

export interface RevealedAd {
  readonly id: Uint8Array;
  readonly ad: Uint8Array;
}

/** What the server knows about an account. */
export interface AccountView {
  readonly account: number;
  /** Distinct voucher ids received. */
  readonly vouchers: number;
  /** Vouchers whose id, share x or DHF x had been seen before in this account (not processed again). */
  readonly replays: number;
  /** Vouchers whose outer layer opened: real matches and synthetic vouchers, indistinguishable below the threshold. */
  readonly opened: number;
  /** Opened vouchers the DHF identified as real (0 until the account reaches t real ones). */
  readonly realShares: number;
  readonly keyReconstructed: boolean;
  readonly revealed: readonly RevealedAd[];
  /** Why the account's vouchers were rejected, when they were (a hostile or broken client). */
  readonly failure: string | null;
}

export class AccountCollector {
  private readonly seen = new Set<string>();
  private readonly shareXs = new Set<bigint>();
  private readonly dhfXs = new Set<number>();
  private readonly opened: OpenedVoucher[] = [];
  private readonly detector: DhfDetector;
  private readonly revealed = new Map<number, RevealedAd>();
  private polynomial: bigint[] | undefined;
  private adKey: Uint8Array | undefined;
  private failure: string | null = null;
  private replays = 0;

  constructor(
    readonly account: number,
    private readonly params: CollectorParams,
  ) {
    this.detector = new DhfDetector(params.threshold, params.dhfDimension);
  }

  /** Throws for an account already rejected. */
  requireUsable(): void {
    if (this.failure !== null)
      throw new ProtocolError('invalid-field', `account ${this.account} was rejected earlier: ${this.failure}`);
  }

  /** True (and counted as a replay) when `id` was seen before. */
  isReplay(id: Uint8Array): boolean {
    if (!this.seen.has(bytesToHex(id))) return false;
    this.replays++;
    return true;
  }

  /** Records a voucher whose outer layer stayed shut. */
  addShut(id: Uint8Array): void {
    this.seen.add(bytesToHex(id));
  }

  /**
   * True (and counted as a replay) when an opened payload repeats the share x or the DHF x of an earlier voucher of
   * this account: an honest client never repeats either (it redraws), so the voucher adds no new share or DHF row.
   */
  repeatsPoint(id: Uint8Array, payload: VoucherPayload): boolean {
    if (!this.shareXs.has(payload.share.x) && !this.dhfXs.has(payload.dhfX)) return false;
    this.seen.add(bytesToHex(id));
    this.replays++;
    return true;
  }

  /**
   * Records an opened voucher and returns the ads this reveals: none below the threshold; all real ones so far when the
   * account reaches it; this voucher's own when it is real and the key is already known. A DHF capacity overflow
   * rejects the voucher before anything changes; shares or ads that contradict the reconstructed key reject the account.
   */
  addOpened(id: Uint8Array, context: Uint8Array, payload: VoucherPayload): RevealedAd[] {
    this.detector.add(payload.dhfX, payload.dhfValues);
    this.seen.add(bytesToHex(id));
    this.shareXs.add(payload.share.x);
    this.dhfXs.add(payload.dhfX);
    this.opened.push({ id, context, payload });
    if (!this.polynomial) this.reconstruct();
    return this.polynomial ? this.revealReal() : [];
  }

  private fail(message: string): never {
    this.failure = message;
    throw new ProtocolError('invalid-field', `account ${this.account}: ${message}`);
  }

  /**
   * Interpolates from the first t real shares once there are t (their x are distinct: a repeated x is a replay and
   * never opened), and checks every other real share.
   */
  private reconstruct(): void {
    if (this.detector.realCount < this.params.threshold) return;
    const real: ShamirShare[] = this.opened.flatMap((v, row) => (this.detector.isReal(row) ? [v.payload.share] : []));
    const polynomial = interpolatePolynomial(real.slice(0, this.params.threshold));
    this.polynomial = polynomial;
    this.adKey = adKeyFromSecret(polynomial[0]!);
  }

  private revealReal(): RevealedAd[] {
    const out: RevealedAd[] = [];
    for (const [row, v] of this.opened.entries()) {
      if (!this.detector.isReal(row) || this.revealed.has(row)) continue;
      if (evaluatePolynomial(this.polynomial!, v.payload.share.x) !== v.payload.share.y)
        this.fail('a real share does not lie on the reconstructed polynomial');
      const padded = openWithNonce(this.adKey!, v.payload.adCiphertext, v.context);
      if (!padded) this.fail('the ad of a real voucher does not open under the reconstructed key');
      let ad: Uint8Array;
      try {
        ad = unpadAd(padded, this.params.adBytes);
      } catch (e) {
        return this.fail(e instanceof Error ? e.message : String(e));
      }
      const revealed = { id: v.id, ad };
      this.revealed.set(row, revealed);
      out.push(revealed);
    }
    return out;
  }

  view(): AccountView {
    return {
      account: this.account,
      vouchers: this.seen.size,
      replays: this.replays,
      opened: this.opened.length,
      realShares: this.detector.realCount,
      keyReconstructed: this.adKey !== undefined,
      revealed: [...this.revealed.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
      failure: this.failure,
    };
  }

  /** The opened vouchers' payloads as the server holds them (ids, shares, DHF points, ad ciphertexts). */
  openedVouchers(): readonly OpenedVoucher[] {
    return this.opened;
  }
}

/** Every account's view, by account number. */
export const accountViews = (collectors: Iterable<AccountCollector>): AccountView[] =>
  [...collectors].map((c) => c.view()).sort((a, b) => a.account - b.account);

/** Per voucher in arrival order (account and hex id), whether its account's collector revealed its ad. */
export function revealedInArrivalOrder(
  collectors: Iterable<AccountCollector>,
  arrivals: readonly { readonly account: number; readonly id: string }[],
): PsiOutcome {
  const revealed = new Set<string>();
  for (const c of collectors) for (const r of c.view().revealed) revealed.add(`${c.account}:${bytesToHex(r.id)}`);
  return { kind: 'membership', matches: arrivals.map((a) => revealed.has(`${a.account}:${a.id}`)) };
}
