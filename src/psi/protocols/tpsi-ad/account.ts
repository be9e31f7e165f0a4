// A client account's secrets: the account key split into Shamir shares of threshold t, the key that encrypts every
// voucher's ad, the PRF key that places each voucher id on the sharing polynomial and the DHF, and the DHF key.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { systemRandom, type RandomSource } from '../../random.js';
import { deriveKey } from './aead.js';
import { generateDhfKey, type DhfKey } from './dhf.js';
import { m31FromWords } from './m31.js';
import { fieldElementFromBytes, fieldElementToBytes, randomFieldElement, sharingPolynomial } from './shamir.js';

const AD_KEY_INFO = utf8ToBytes('scanlab-tpsi-ad account ad key v1');
const SHARE_X_LABEL = utf8ToBytes('share-x');
const DHF_X_LABEL = utf8ToBytes('dhf-x');

export interface AccountSecrets {
  readonly account: number;
  /** Coefficients of the sharing polynomial, constant term (the account secret) first. */
  readonly polynomial: readonly bigint[];
  readonly adKey: Uint8Array;
  readonly prfKey: Uint8Array;
  readonly dhf: DhfKey;
}

/** The XChaCha20-Poly1305 key for ad, derived from the shared secret (so the server derives it after reconstruction). */
export const adKeyFromSecret = (secret: bigint): Uint8Array => deriveKey(fieldElementToBytes(secret), AD_KEY_INFO);

export function createAccountSecrets(
  account: number,
  threshold: number,
  dhfDimension: number,
  source: RandomSource = systemRandom,
): AccountSecrets {
  const secret = randomFieldElement(source);
  return {
    account,
    polynomial: sharingPolynomial(secret, threshold, source),
    adKey: adKeyFromSecret(secret),
    prfKey: source.bytes(32),
    dhf: generateDhfKey(threshold, dhfDimension, source),
  };
}

function prf(key: Uint8Array, label: Uint8Array, id: Uint8Array, counter: number): Uint8Array {
  const message = new Uint8Array(label.length + 1 + id.length);
  message.set(label);
  message[label.length] = counter;
  message.set(id, label.length + 1);
  return hmac(sha256, key, message);
}

/** The points an account has already used: the server treats a repeated share x or DHF x as a replay. */
export interface UsedCoordinates {
  readonly shareX: Set<bigint>;
  readonly dhfX: Set<number>;
}

export const noCoordinatesUsed = (): UsedCoordinates => ({ shareX: new Set(), dhfX: new Set() });

/**
 * Where voucher `id` sits: x on the sharing polynomial (non-zero, below 2^255 − 19) and x on the DHF, both from
 * HMAC-SHA256 under the PRF key (counter 0, 1, … until a value is valid and not in `used`), so that a voucher's
 * points are fixed by its id and no two vouchers of an account share one. The 31-bit DHF point repeats within an
 * account with probability about C(k, 2)/2^31; the next counter then redraws it. The points chosen are added to `used`.
 */
export function voucherCoordinates(
  prfKey: Uint8Array,
  id: Uint8Array,
  used: UsedCoordinates = noCoordinatesUsed(),
): { shareX: bigint; dhfX: number } {
  let shareX: bigint | undefined;
  for (let counter = 0; shareX === undefined; counter++) {
    const bytes = prf(prfKey, SHARE_X_LABEL, id, counter);
    bytes[0]! &= 0x7f;
    const v = fieldElementFromBytes(bytes);
    if (v !== undefined && v !== 0n && !used.shareX.has(v)) shareX = v;
  }
  let dhfX: number | undefined;
  for (let counter = 0; dhfX === undefined; counter++) {
    const v = m31FromWords(prf(prfKey, DHF_X_LABEL, id, counter), 1)?.[0];
    if (v !== undefined && !used.dhfX.has(v)) dhfX = v;
  }
  used.shareX.add(shareX);
  used.dhfX.add(dhfX);
  return { shareX, dhfX };
}
