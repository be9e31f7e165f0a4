// The symmetric layers of a voucher: HKDF-SHA256 key derivation and ChaCha20-Poly1305. Keys used once (the outer key
// from S, the per-voucher key rkey) take a zero nonce; the account's ad key, used for every voucher, takes
// XChaCha20-Poly1305 with a random 24-byte nonce sent in front of the ciphertext. Poly1305 makes a wrong random key
// fail to open (the "random key robustness" the design needs). Every layer is sealed with associated data that names
// the voucher (`context.ts`), so a ciphertext moved to another voucher, account or slot does not open.
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { systemRandom, type RandomSource } from '../../random.js';

export const KEY_BYTES = 32;
export const TAG_BYTES = 16;
export const NONCE_BYTES = 24;
const ZERO_NONCE = new Uint8Array(12);

/** A 32-byte key from input keying material, bound to `info`. */
export const deriveKey = (ikm: Uint8Array, info: Uint8Array): Uint8Array =>
  hkdf(sha256, ikm, undefined, info, KEY_BYTES);

export const randomKey = (source: RandomSource = systemRandom): Uint8Array => source.bytes(KEY_BYTES);

/** Encrypts under a key that encrypts nothing else, binding associated data `ad`. */
export const sealOnce = (key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array =>
  chacha20poly1305(key, ZERO_NONCE, ad).encrypt(plaintext);

/** The plaintext, or undefined when the key or associated data is wrong or the ciphertext was altered. */
export function openOnce(key: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | undefined {
  if (ciphertext.length < TAG_BYTES) return undefined;
  try {
    return chacha20poly1305(key, ZERO_NONCE, ad).decrypt(ciphertext);
  } catch {
    return undefined;
  }
}

/** Encrypts under a reused key, binding associated data `ad`: nonce (24 random bytes) || ciphertext || tag. */
export function sealWithNonce(
  key: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  source: RandomSource = systemRandom,
): Uint8Array {
  const nonce = source.bytes(NONCE_BYTES);
  const sealed = xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_BYTES);
  return out;
}

export function openWithNonce(key: Uint8Array, data: Uint8Array, ad: Uint8Array): Uint8Array | undefined {
  if (data.length < NONCE_BYTES + TAG_BYTES) return undefined;
  try {
    return xchacha20poly1305(key, data.subarray(0, NONCE_BYTES), ad).decrypt(data.subarray(NONCE_BYTES));
  } catch {
    return undefined;
  }
}
