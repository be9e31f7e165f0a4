// The sending side of chunked-tpsi across accounts: per account its secrets (account key shares, ad key, PRF and DHF
// keys), the coordinates its vouchers used, and its synthetic draws (rate s, at most the DHF capacity per account).
// The psi client and the pipeline's device both make their vouchers here.
import type { Hash } from '../../../hash/types.js';
import { SYSTEM_RANDOMNESS, randomUnit, type PsiRandomness } from '../../random.js';
import {
  createAccountSecrets,
  noCoordinatesUsed,
  type AccountSecrets,
  type UsedCoordinates,
} from '../tpsi-ad/account.js';
import { dhfCapacity } from '../tpsi-ad/dhf.js';
import type { PublishedTable, TpsiPhoto } from '../tpsi-ad/voucher.js';
import type { FuzzyParams } from '../fuzzy/params.js';
import type { ChunkVoucher } from '../fuzzy/wire-format.js';
import { createChunkVoucher } from './voucher.js';

interface AccountState {
  readonly secrets: AccountSecrets;
  readonly used: UsedCoordinates;
  synthetic: number;
}

export class ChunkVoucherSender {
  private readonly accounts = new Map<number, AccountState>();

  /**
   * `table`: the checked publication (its threshold and DHF dimension are the client's own); secrets from
   * `random.secret`, synthetic coins from `random.simulation`.
   */
  constructor(
    private readonly table: PublishedTable,
    private readonly fuzzy: Pick<FuzzyParams, 'chunks' | 'minChunks'>,
    private readonly syntheticRate: number,
    private readonly random: PsiRandomness = SYSTEM_RANDOMNESS,
  ) {}

  private account(account: number): AccountState {
    let state = this.accounts.get(account);
    if (!state) {
      const { threshold, dhfDimension } = this.table.data;
      const secrets = createAccountSecrets(account, threshold, dhfDimension, this.random.secret);
      state = { secrets, used: noCoordinatesUsed(), synthetic: 0 };
      this.accounts.set(account, state);
    }
    return state;
  }

  /** One photo's voucher (of `hash`, the photo's hash), synthetic with probability s while the account has room. */
  voucher(photo: TpsiPhoto, hash: Hash): { readonly voucher: ChunkVoucher; readonly synthetic: boolean } {
    const state = this.account(photo.account);
    const synthetic =
      state.synthetic < dhfCapacity(this.table.data.dhfDimension) &&
      randomUnit(this.random.simulation) < this.syntheticRate;
    if (synthetic) state.synthetic++;
    const voucher = createChunkVoucher({
      table: this.table,
      fuzzy: this.fuzzy,
      secrets: state.secrets,
      used: state.used,
      photo,
      hash,
      synthetic,
      random: this.random.secret,
    });
    return { voucher, synthetic };
  }
}
