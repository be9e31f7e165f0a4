import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { ENC_BYTES, generateRecipientKeys, hpkeSuite, openEnvelope, sealEnvelope } from '../src/pipeline/envelope.js';
import { PipelineError } from '../src/pipeline/errors.js';

interface Vector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  enc: string;
  encryptions: { sequence_number: number; pt: string; aad: string; ct: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('./vectors/rfc9180/base-x25519-sha256-chacha20poly1305.json', import.meta.url), 'utf8'),
) as Vector[];
const hex = (b: ArrayBuffer | Uint8Array): string => bytesToHex(new Uint8Array(b));

describe('HPKE suite against RFC 9180 Appendix A.2.1', () => {
  for (const v of vectors) {
    it(`mode ${v.mode}, KEM ${v.kem_id}, KDF ${v.kdf_id}, AEAD ${v.aead_id}`, async () => {
      const suite = hpkeSuite();
      expect([suite.kem.id, suite.kdf.id, suite.aead.id]).toEqual([v.kem_id, v.kdf_id, v.aead_id]);
      const ephemeral = await suite.kem.deriveKeyPair(hexToBytes(v.ikmE));
      const recipient = await suite.kem.deriveKeyPair(hexToBytes(v.ikmR));
      expect(hex(await suite.kem.serializePublicKey(ephemeral.publicKey))).toBe(v.pkEm);
      expect(hex(await suite.kem.serializePrivateKey(ephemeral.privateKey))).toBe(v.skEm);
      expect(hex(await suite.kem.serializePublicKey(recipient.publicKey))).toBe(v.pkRm);
      expect(hex(await suite.kem.serializePrivateKey(recipient.privateKey))).toBe(v.skRm);

      const info = hexToBytes(v.info);
      const sender = await suite.createSenderContext({ recipientPublicKey: recipient.publicKey, info, ekm: ephemeral });
      expect(hex(sender.enc)).toBe(v.enc);
      const receiver = await suite.createRecipientContext({ recipientKey: recipient, enc: sender.enc, info });
      let seq = 0;
      for (const e of v.encryptions) {
        // The context's sequence number advances by one per seal: fill the gaps with throwaway messages.
        for (; seq < e.sequence_number; seq++) {
          const filler = await sender.seal(new Uint8Array(1));
          await receiver.open(filler);
        }
        const ct = await sender.seal(hexToBytes(e.pt), hexToBytes(e.aad));
        expect(hex(ct)).toBe(e.ct);
        expect(hex(await receiver.open(hexToBytes(e.ct), hexToBytes(e.aad)))).toBe(e.pt);
        seq++;
      }
      for (const x of v.exports) {
        expect(hex(await sender.export(hexToBytes(x.exporter_context), x.L))).toBe(x.exported_value);
        expect(hex(await receiver.export(hexToBytes(x.exporter_context), x.L))).toBe(x.exported_value);
      }
    });
  }
});

describe('pipeline envelope', () => {
  const aad = new TextEncoder().encode('message 1, account 7');
  const photo = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff);

  it('round-trips and carries a 32-byte encapsulated key plus a 16-byte tag', async () => {
    const r = await generateRecipientKeys();
    const env = await sealEnvelope(r.publicKey, photo, aad);
    expect(env.enc.length).toBe(ENC_BYTES);
    expect(env.ciphertext.length).toBe(photo.length + 16);
    expect(await openEnvelope(r, env, aad)).toEqual(photo);
  });

  it('rejects a flipped byte anywhere, other associated data, and another recipient', async () => {
    const r = await generateRecipientKeys();
    const other = await generateRecipientKeys();
    const env = await sealEnvelope(r.publicKey, photo, aad);
    for (const at of [0, 1500, env.ciphertext.length - 1]) {
      const ciphertext = env.ciphertext.slice();
      ciphertext[at]! ^= 1;
      await expect(openEnvelope(r, { ...env, ciphertext }, aad)).rejects.toBeInstanceOf(PipelineError);
    }
    const enc = env.enc.slice();
    enc[3]! ^= 0x80;
    await expect(openEnvelope(r, { ...env, enc }, aad)).rejects.toBeInstanceOf(PipelineError);
    await expect(openEnvelope(r, env, new TextEncoder().encode('message 2, account 7'))).rejects.toBeInstanceOf(
      PipelineError,
    );
    await expect(openEnvelope(other, env, aad)).rejects.toBeInstanceOf(PipelineError);
  });
});
