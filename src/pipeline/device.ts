// The sender's device: decode → hash → the protocol's client message → one HPKE envelope per recipient, with each
// step timed. Without a scanner it is plain end-to-end encryption (the baseline): no decode, no hash, no protocol.
import { performance } from 'node:perf_hooks';
import type { Hasher } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import { psiInput } from '../psi/hash-input.js';
import { visualDerivative } from './derivative.js';
import { sealEnvelope } from './envelope.js';
import { MESSAGE_ID_BYTES, encodeContent, encodeRecord, envelopeAad } from './record.js';
import type { DeviceScanner } from './scan-protocol.js';

export interface DevicePhoto {
  /** The file's name as the recipient receives it. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly messageId: Uint8Array;
}

/** Milliseconds of one send, by step (protocol includes the visual derivative where the protocol carries one). */
export interface DeviceTimings {
  readonly decodeMs: number;
  readonly hashMs: number;
  readonly protocolMs: number;
  /** The part of protocolMs spent making the visual derivative. */
  readonly derivativeMs: number;
  readonly envelopeMs: number;
  readonly totalMs: number;
  /** CPU milliseconds of the whole process over the send (all threads): close to the work done on a busy machine. */
  readonly cpuMs: number;
}

export interface SentMessage {
  readonly record: Uint8Array;
  readonly timings: DeviceTimings;
  /** The photo's PSI inputs (kept on the device; the run uses them as ground truth). */
  readonly inputs: readonly Uint8Array[];
  readonly protocolBytes: number;
  /** Bytes of each recipient's envelope (encapsulated key + ciphertext). */
  readonly envelopeBytes: number;
}

export interface ScanSettings {
  readonly scanner: DeviceScanner;
  readonly hasher: Hasher;
  readonly dihedral: boolean;
  /** Associated-data bytes the protocol accepts for the derivative and message id; 0 for none. */
  readonly adCapacity: number;
}

export class SenderDevice {
  constructor(
    readonly account: number,
    private readonly recipientKeys: readonly Uint8Array[],
    private readonly scan: ScanSettings | null,
  ) {}

  async send(photo: DevicePhoto): Promise<SentMessage> {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let inputs: Uint8Array[] = [];
    let protocolMessages: Uint8Array[] = [];
    let t1 = t0;
    let t2 = t0;
    let t3 = t0;
    let derivativeMs = 0;
    if (this.scan) {
      const image = await decodeImage(photo.bytes);
      t1 = performance.now();
      const { hasher } = this.scan;
      const hashes =
        this.scan.dihedral && hasher.dihedral
          ? (await hasher.dihedral(image)).map((v) => v.hash)
          : [await hasher.hash(image)];
      inputs = hashes.map(psiInput);
      t2 = performance.now();
      const ad =
        this.scan.adCapacity > MESSAGE_ID_BYTES
          ? concat(photo.messageId, await visualDerivative(image, this.scan.adCapacity - MESSAGE_ID_BYTES))
          : new Uint8Array(0);
      derivativeMs = performance.now() - t2;
      protocolMessages = this.scan.scanner.scan({ account: this.account, messageId: photo.messageId, inputs, ad });
      t3 = performance.now();
    }
    const binding = { account: this.account, messageId: photo.messageId };
    const aad = envelopeAad(binding, protocolMessages);
    const content = encodeContent(photo.name, photo.bytes);
    const envelopes = [];
    for (const key of this.recipientKeys) envelopes.push(await sealEnvelope(key, content, aad));
    const record = encodeRecord({ ...binding, protocolMessages, envelopes });
    const t4 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    return {
      record,
      timings: {
        decodeMs: t1 - t0,
        hashMs: t2 - t1,
        protocolMs: t3 - t2,
        derivativeMs,
        envelopeMs: t4 - t3,
        totalMs: t4 - t0,
        cpuMs: (cpu.user + cpu.system) / 1000,
      },
      inputs,
      protocolBytes: protocolMessages.reduce((n, m) => n + m.length, 0),
      envelopeBytes: envelopes.length > 0 ? envelopes[0]!.enc.length + envelopes[0]!.ciphertext.length : 0,
    };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
