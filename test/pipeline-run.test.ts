import sharp from 'sharp';
import { bytesToHex } from '@noble/curves/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillerHashes, sampleJpegNames, samplePhotos } from './helpers/pipeline-fixture.js';
import { getHasher } from '../src/hash/registry.js';
import type { Hash } from '../src/hash/types.js';
import { decodeImage } from '../src/image/decode.js';
import { createGroup } from '../src/psi/group/create.js';
import { greyThumbnail } from '../src/pipeline/derivative.js';
import { SenderDevice } from '../src/pipeline/device.js';
import { generateRecipientKeys } from '../src/pipeline/envelope.js';
import { PipelineError, PipelineUsageError } from '../src/pipeline/errors.js';
import { getScanProtocol, registerScanProtocol, scanProtocolNames } from '../src/pipeline/protocols/registry.js';
import { Recipient } from '../src/pipeline/recipient.js';
import { decodeRecord, encodeRecord } from '../src/pipeline/record.js';
import { Relay } from '../src/pipeline/relay.js';
import {
  DEFAULT_PIPELINE_CONFIG,
  messageIdOf,
  runPipeline,
  scanConfigOf,
  type PipelineConfig,
  type PipelinePhoto,
} from '../src/pipeline/run.js';

const names = sampleJpegNames(12);
const photos: PipelinePhoto[] = samplePhotos(names);
let hashes: Hash[] = [];
const filler = fillerHashes;

beforeAll(async () => {
  const pdq = getHasher('pdq');
  hashes = [];
  for (const p of photos) hashes.push(await pdq.hash(await decodeImage(p.bytes)));
});

const config = (over: Partial<PipelineConfig>): PipelineConfig => ({
  ...DEFAULT_PIPELINE_CONFIG,
  accountThreshold: 3,
  syntheticRate: 0.3,
  ...over,
});

/** Whether `needle` occurs in `hay`. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;
}

/** Pieces of a photo that must not appear on the relay: 32-byte windows at several places. */
function windows(bytes: Uint8Array): Uint8Array[] {
  return [0.1, 0.3, 0.5, 0.7, 0.9].map((f) =>
    bytes.subarray(Math.floor(f * (bytes.length - 32)), Math.floor(f * (bytes.length - 32)) + 32),
  );
}

describe('pipeline run with tpsi-ad', () => {
  it('reveals to the reviewer exactly the real matches of accounts at or above t, and nothing leaks to the relay', async () => {
    // Account 0 holds photos 0, 3, 6, 9 (4 ≥ t = 3 matches); account 1 photos 1, 4 in the database (2 < t).
    const database = [...[0, 3, 6, 9, 1, 4].map((i) => hashes[i]!), ...filler];
    const exact = await runPipeline(config({ syntheticRate: 0 }), photos, database);
    const expected = [0, 3, 6, 9].map((i) => bytesToHex(messageIdOf(DEFAULT_PIPELINE_CONFIG.seed, i))).sort();
    expect(exact.reviewer.map((r) => r.messageId).sort()).toEqual(expected);
    expect(exact.accountsAtThreshold).toEqual([0]);
    // With synthetic vouchers some real matches travel as decoys: the reviewer sees exactly the real, non-synthetic
    // vouchers of accounts whose count of those reached t (the device's coins are the ground truth).
    const result = await runPipeline(config({ recipients: 2, syntheticRate: 0.3 }), photos, database);
    const shouldSee = result.messages.filter((m) => m.shouldReveal).map((m) => m.messageId);
    expect(result.reviewer.map((r) => r.messageId).sort()).toEqual(shouldSee.sort());
    expect(result.messages.every((m) => m.revealed === m.shouldReveal)).toBe(true);
    for (const item of [...exact.reviewer, ...result.reviewer]) {
      expect(item.account).toBe(0);
      expect(item.adNamesItsMessage).toBe(true);
      const meta = await sharp(item.derivative!).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['jpeg', 64, 64, 1]);
    }
    expect(result.messages.filter((m) => m.realMatch).map((m) => m.index)).toEqual([0, 1, 3, 4, 6, 9]);
    // Every recipient gets every file byte for byte.
    expect(result.received.map((r) => r.map((f) => f.name))).toEqual([names, names]);
    result.received.forEach((files) => files.forEach((f, i) => expect(f.bytes).toEqual(photos[i]!.bytes)));
    expect(result.views.recipients.byteIdentical).toBe(24);
    // The relay's bytes hold neither the photos' bytes nor their hashes (raw or as hex).
    const relayBytes = result.relayRecords.map((r) => r.bytes);
    expect(relayBytes).toHaveLength(12);
    for (const [i, p] of photos.entries())
      for (const bytes of relayBytes) {
        for (const w of windows(p.bytes)) expect(contains(bytes, w)).toBe(false);
        expect(contains(bytes, hashes[i]!.bits)).toBe(false);
        expect(contains(bytes, new TextEncoder().encode(bytesToHex(hashes[i]!.bits)))).toBe(false);
      }
    // Scanning costs: two envelopes per record, one voucher each.
    expect(result.costs.bytesPerPhoto.added).toBeGreaterThan(0);
    expect(result.costs.device.hashMs.n).toBe(12);
  });
});

describe('pipeline protocols', () => {
  it('plaintext puts the hash on the relay (by design) and reveals every match at once, without derivatives', async () => {
    const result = await runPipeline(config({ protocol: 'plaintext' }), photos.slice(0, 6), [hashes[1]!, ...filler]);
    expect(result.views.relay.hashInTheClear).toBe(true);
    expect(result.relayRecords.some((r) => contains(r.bytes, hashes[1]!.bits))).toBe(true);
    expect(result.reviewer.map((r) => [r.photo, r.derivative])).toEqual([[names[1], null]]);
  });

  it('oprf-membership: the device learns membership, the provider nothing, and no hash reaches the relay', async () => {
    const result = await runPipeline(config({ protocol: 'oprf-membership' }), photos.slice(0, 6), [
      hashes[2]!,
      hashes[5]!,
      ...filler,
    ]);
    expect(result.reviewer).toEqual([]);
    expect(result.messages.map((m) => m.deviceLearned)).toEqual([false, false, true, false, false, true]);
    for (const [i, r] of result.relayRecords.entries()) expect(contains(r.bytes, hashes[i]!.bits)).toBe(false);
  });
});

describe('visual derivative', () => {
  it('averages BT.601 luma over the cells of a 64×64 grid', () => {
    const width = 128;
    const height = 64;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 3;
        if (x >= 64) data.set([255, 255, 255], at);
        else if (y >= 32) data.set([255, 0, 0], at);
      }
    const grey = greyThumbnail({ width, height, channels: 3, data }, 64);
    expect(grey[0]).toBe(0);
    expect(grey[40 * 64 + 5]).toBe(77); // pure red: 77/256 of full scale
    expect(grey[10 * 64 + 40]).toBe(255);
    // Odd sizes: a cell averages the pixels it covers; a cell with none (image smaller than the grid) takes the pixel
    // under its centre.
    const odd = greyThumbnail({ width: 3, height: 1, channels: 1, data: Uint8Array.of(10, 20, 30) }, 2);
    expect([...odd]).toEqual([15, 30, 10, 30]);
  });
});

describe('protocol registry', () => {
  it('names what it carries and refuses ecdh-psi (a whole-set protocol) and unknown names', () => {
    expect(scanProtocolNames()).toEqual(expect.arrayContaining(['plaintext', 'oprf-membership', 'tpsi-ad']));
    expect(() => getScanProtocol('ecdh-psi')).toThrow(PipelineUsageError);
    expect(() => registerScanProtocol(getScanProtocol('plaintext'))).toThrow(PipelineUsageError);
  });
});

describe('bindings', () => {
  it('a flipped envelope byte and a voucher moved to another message are rejected', async () => {
    const protocol = getScanProtocol('tpsi-ad');
    const scan = scanConfigOf(config({}));
    const group = await createGroup('ristretto255', 'sodium');
    const matcher = protocol.createMatcher(
      group,
      filler.map((h) => new Uint8Array([...new TextEncoder().encode('pdq'), 0, 1, 0, ...h.bits])),
      scan,
    );
    const published = matcher.publish();
    // The device's threshold is its own: a provider publishing a lower one is refused.
    const lowered = { ...scan, tpsi: { ...scan.tpsi, threshold: scan.tpsi.threshold + 1 } };
    expect(() => protocol.createDevice(group, published, 5, lowered)).toThrow(/parameter-mismatch/);
    const keys = await generateRecipientKeys();
    const recipient = new Recipient(0, keys);
    const device = new SenderDevice(5, [keys.publicKey], {
      scanner: protocol.createDevice(group, published, 5, scan),
      hasher: getHasher('pdq'),
      dihedral: false,
      adCapacity: scan.tpsi.adBytes,
    });
    const a = await device.send({ name: 'a.jpg', bytes: photos[0]!.bytes, messageId: messageIdOf(9, 0) });
    const b = await device.send({ name: 'b.jpg', bytes: photos[1]!.bytes, messageId: messageIdOf(9, 1) });
    const relay = new Relay();
    // Flipped byte in the envelope's ciphertext: the recipient refuses it.
    const flipped = a.record.slice();
    flipped[flipped.length - 40]! ^= 1;
    await expect(recipient.open(flipped)).rejects.toThrow(PipelineError);
    // A's voucher under B's header: the matcher refuses the binding, the recipient the envelope.
    const ra = decodeRecord(a.record);
    const rb = decodeRecord(b.record);
    const moved = encodeRecord({ ...rb, protocolMessages: ra.protocolMessages });
    const forwarded = relay.accept(moved);
    expect(() => matcher.receive(forwarded, forwarded.protocolMessages)).toThrow(/wrong-binding/);
    await expect(recipient.open(moved)).rejects.toThrow(/envelope-does-not-open/);
    // The same voucher under its own header with another account: refused too.
    const otherAccount = encodeRecord({ ...ra, account: 6 });
    const fwd = relay.accept(otherAccount);
    expect(() => matcher.receive(fwd, fwd.protocolMessages)).toThrow(/wrong-binding/);
    // The untouched records go through.
    const ok = relay.accept(a.record);
    expect(matcher.receive(ok, ok.protocolMessages)).toEqual([]);
    expect((await recipient.open(a.record)).bytes).toEqual(photos[0]!.bytes);
  });
});
