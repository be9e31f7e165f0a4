// The end-to-end envelope: HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
// ChaCha20-Poly1305, sealed to one recipient's public key, its associated data binding message id, account and the
// protocol messages sent beside it (so neither a relay nor anyone else can move a voucher to another message).
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { PipelineError } from './errors.js';

/** Bytes of the encapsulated key (Nenc of DHKEM(X25519, HKDF-SHA256)). */
export const ENC_BYTES = 32;
/** Bytes of the Poly1305 tag each ciphertext carries. */
export const TAG_BYTES = 16;
const INFO = utf8ToBytes('scanlab pipeline envelope v1');

/** The one suite the pipeline uses: KEM 0x0020, KDF 0x0001, AEAD 0x0003. */
export function hpkeSuite(): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
}

/** The key pair type of the suite's KEM (a WebCrypto CryptoKeyPair). */
export type KemKeyPair = Awaited<ReturnType<CipherSuite['kem']['generateKeyPair']>>;

export interface RecipientKeys {
  readonly publicKey: Uint8Array;
  readonly keyPair: KemKeyPair;
}

export interface Envelope {
  /** The encapsulated key. */
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
}

const suite = hpkeSuite();

export async function generateRecipientKeys(): Promise<RecipientKeys> {
  const keyPair = await suite.kem.generateKeyPair();
  return { publicKey: new Uint8Array(await suite.kem.serializePublicKey(keyPair.publicKey)), keyPair };
}

/** Seals `plaintext` to a recipient's serialized public key with associated data `aad` (single-shot). */
export async function sealEnvelope(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Envelope> {
  const recipient = await suite.kem.deserializePublicKey(recipientPublicKey);
  const { ct, enc } = await suite.seal({ recipientPublicKey: recipient, info: INFO }, plaintext, aad);
  return { enc: new Uint8Array(enc), ciphertext: new Uint8Array(ct) };
}

/** Opens an envelope; any tampering (enc, ciphertext or associated data) is a PipelineError. */
export async function openEnvelope(recipient: RecipientKeys, envelope: Envelope, aad: Uint8Array): Promise<Uint8Array> {
  if (envelope.enc.length !== ENC_BYTES)
    throw new PipelineError(
      'envelope-does-not-open',
      `encapsulated key of ${envelope.enc.length} bytes, expected ${ENC_BYTES}`,
    );
  try {
    const pt = await suite.open(
      { recipientKey: recipient.keyPair, enc: envelope.enc, info: INFO },
      envelope.ciphertext,
      aad,
    );
    return new Uint8Array(pt);
  } catch {
    throw new PipelineError(
      'envelope-does-not-open',
      'the envelope does not open under this recipient key and binding',
    );
  }
}
