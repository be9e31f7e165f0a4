// Bounds-checked reading and growable writing of big-endian fields, for the wire format; reads fail as ProtocolErrors.
import { ProtocolError } from './errors.js';

export class ByteReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n)
      throw new ProtocolError('truncated', `message ends inside its ${what} (${this.remaining} of ${n} bytes left)`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  /** The next n bytes, as a view (callers that keep them copy them). */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Fails unless every byte was read. */
  end(): void {
    if (this.remaining > 0)
      throw new ProtocolError('oversized', `${this.remaining} unexpected bytes after the message`);
  }
}

export class ByteWriter {
  private readonly out: Uint8Array;
  private offset = 0;
  constructor(length: number) {
    this.out = new Uint8Array(length);
  }

  u8(v: number): this {
    this.out[this.offset++] = v;
    return this;
  }

  u16(v: number): this {
    this.out[this.offset++] = v >>> 8;
    this.out[this.offset++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.out[this.offset++] = v >>> 24;
    this.out[this.offset++] = (v >>> 16) & 0xff;
    this.out[this.offset++] = (v >>> 8) & 0xff;
    this.out[this.offset++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.out.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  /** The written message; its length must be exactly the one announced. */
  finish(): Uint8Array {
    if (this.offset !== this.out.length)
      throw new Error(`wire writer: wrote ${this.offset} of ${this.out.length} bytes`);
    return this.out;
  }
}
