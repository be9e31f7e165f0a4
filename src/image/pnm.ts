// A reader for Netpbm images (P1–P6: PBM, PGM, PPM, ASCII and binary), which sharp cannot decode.
import { ImageError } from './errors.js';
import type { Image } from './types.js';

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/** True when the buffer starts with a Netpbm magic number P1..P6. */
export function isPnm(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x50 && buf[1]! >= 0x31 && buf[1]! <= 0x36;
}

class Cursor {
  pos = 2;
  constructor(readonly buf: Uint8Array) {}

  /** Reads the next whitespace-separated decimal token, skipping '#' comments; throws when absent. */
  int(what: string): number {
    const { buf } = this;
    for (;;) {
      while (this.pos < buf.length && WHITESPACE.has(buf[this.pos]!)) this.pos++;
      if (buf[this.pos] !== 0x23) break;
      while (this.pos < buf.length && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
    }
    const start = this.pos;
    let value = 0;
    while (this.pos < buf.length && buf[this.pos]! >= 0x30 && buf[this.pos]! <= 0x39) {
      value = value * 10 + (buf[this.pos]! - 0x30);
      this.pos++;
      if (value > 0x7fffffff) throw new ImageError('corrupt', `PNM ${what} is too large`);
    }
    if (this.pos === start) throw new ImageError('corrupt', `PNM header: expected ${what}`);
    return value;
  }

  /** Reads one ASCII bit for P1, where digits need not be separated. */
  bit(): number {
    const { buf } = this;
    while (this.pos < buf.length && (WHITESPACE.has(buf[this.pos]!) || buf[this.pos] === 0x23)) {
      if (buf[this.pos] === 0x23) while (this.pos < buf.length && buf[this.pos] !== 0x0a) this.pos++;
      else this.pos++;
    }
    const c = buf[this.pos++];
    if (c === 0x30) return 0;
    if (c === 0x31) return 1;
    throw new ImageError('corrupt', 'PBM data is truncated or invalid');
  }
}

/** Header fields of a Netpbm file, read without touching the pixel data. */
export interface PnmHeader {
  readonly kind: number;
  readonly width: number;
  readonly height: number;
  readonly maxval: number;
  readonly dataOffset: number;
}

function readPnmHeader(buf: Uint8Array): PnmHeader {
  if (!isPnm(buf)) throw new ImageError('unsupported', 'not a Netpbm file');
  const kind = buf[1]! - 0x30;
  const c = new Cursor(buf);
  const width = c.int('width');
  const height = c.int('height');
  const maxval = kind === 1 || kind === 4 ? 1 : c.int('maxval');
  if (width === 0 || height === 0) throw new ImageError('empty', 'image has zero width or height');
  if (maxval < 1 || maxval > 65535) throw new ImageError('corrupt', `PNM maxval ${maxval} is out of range`);
  // Exactly one whitespace byte separates the header from binary raster data.
  return { kind, width, height, maxval, dataOffset: c.pos + 1 };
}

/** Decodes a Netpbm buffer to 8-bit grey (P1, P2, P4, P5) or RGB (P3, P6); samples are rescaled from maxval to 0..255. */
export function decodePnm(buf: Uint8Array, maxPixels: number): Image {
  const h = readPnmHeader(buf);
  const pixels = h.width * h.height;
  if (pixels > maxPixels) {
    throw new ImageError(
      'too-large',
      `image is ${h.width}x${h.height} (${pixels} pixels), over the limit of ${maxPixels}`,
    );
  }
  const channels = h.kind === 3 || h.kind === 6 ? 3 : 1;
  const out = new Uint8Array(pixels * channels);
  const scale = (v: number): number => {
    if (v > h.maxval) throw new ImageError('corrupt', `PNM sample ${v} exceeds maxval ${h.maxval}`);
    return h.maxval === 255 ? v : Math.round((v * 255) / h.maxval);
  };
  if (h.kind === 1 || h.kind === 4) {
    if (h.kind === 1) {
      const c = new Cursor(buf);
      c.pos = h.dataOffset - 1;
      for (let i = 0; i < pixels; i++) out[i] = c.bit() ? 0 : 255;
    } else {
      const rowBytes = Math.ceil(h.width / 8);
      if (buf.length < h.dataOffset + rowBytes * h.height) throw new ImageError('corrupt', 'PBM data is truncated');
      for (let y = 0; y < h.height; y++) {
        for (let x = 0; x < h.width; x++) {
          const byte = buf[h.dataOffset + y * rowBytes + (x >> 3)]!;
          out[y * h.width + x] = (byte >> (7 - (x & 7))) & 1 ? 0 : 255;
        }
      }
    }
    return { width: h.width, height: h.height, channels: 1, data: out };
  }
  if (h.kind === 2 || h.kind === 3) {
    const c = new Cursor(buf);
    c.pos = h.dataOffset - 1;
    for (let i = 0; i < out.length; i++) out[i] = scale(c.int('sample'));
  } else {
    const bytesPerSample = h.maxval > 255 ? 2 : 1;
    const need = h.dataOffset + out.length * bytesPerSample;
    if (buf.length < need) throw new ImageError('corrupt', `PNM data is truncated (${buf.length} of ${need} bytes)`);
    if (bytesPerSample === 1 && h.maxval === 255) {
      out.set(buf.subarray(h.dataOffset, need));
    } else {
      for (let i = 0; i < out.length; i++) {
        const o = h.dataOffset + i * bytesPerSample;
        out[i] = scale(bytesPerSample === 2 ? (buf[o]! << 8) | buf[o + 1]! : buf[o]!);
      }
    }
  }
  return { width: h.width, height: h.height, channels: channels as 1 | 3, data: out };
}
