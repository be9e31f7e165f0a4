import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.js';
import { ImageError } from '../src/image/errors.js';
import { pilLuma } from '../src/image/luma.js';
import { gradientRgb, rawSharp, scratchDir } from './helpers/images.js';

const W = 37;
const H = 23;
const rgb = gradientRgb(W, H);
const scratch = scratchDir('decode');
afterAll(scratch.cleanup);

async function expectImageError(p: Promise<unknown>, kind: ImageError['kind']): Promise<ImageError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ImageError);
  expect((e as ImageError).kind).toBe(kind);
  expect((e as ImageError).message).not.toContain('\n');
  return e as ImageError;
}

/** A PNG that declares width × height but holds almost no data: a decompression bomb's header. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 255]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage: formats', () => {
  it('decodes lossless formats to the exact pixels', async () => {
    for (const format of ['png', 'webp', 'tiff'] as const) {
      const opts = format === 'webp' ? { lossless: true } : format === 'tiff' ? { compression: 'lzw' } : {};
      const buf = await rawSharp(rgb, W, H, 3).toFormat(format, opts).toBuffer();
      const img = await decodeImage(buf);
      expect([img.width, img.height, img.channels, format]).toEqual([W, H, 3, format]);
      expect(Buffer.from(img.data).equals(Buffer.from(rgb))).toBe(true);
    }
  });

  it('decodes JPEG, GIF and AVIF close to the source', async () => {
    for (const format of ['jpeg', 'gif', 'avif'] as const) {
      const buf = await rawSharp(rgb, W, H, 3).toFormat(format).toBuffer();
      const img = await decodeImage(buf);
      expect([img.width, img.height]).toEqual([W, H]);
      let err = 0;
      for (let i = 0; i < rgb.length; i++) err += Math.abs(img.data[i]! - rgb[i]!);
      expect(err / rgb.length).toBeLessThan(20);
    }
  });

  it('expands grey and palette images to RGB, keeps alpha uncomposited', async () => {
    const grey = new Uint8Array(W * H).map((_, i) => (i * 11) & 255);
    const g = await decodeImage(await rawSharp(grey, W, H, 1).png().toBuffer());
    expect(g.channels).toBe(3);
    expect(Array.from(pilLuma(g).data)).toEqual(Array.from(grey));

    const pal = await decodeImage(await rawSharp(rgb, W, H, 3).png({ palette: true, colours: 16 }).toBuffer());
    expect([pal.width, pal.height, pal.channels]).toEqual([W, H, 3]);

    const rgba = new Uint8Array(W * H * 4).map((_, i) => (i % 4 === 3 ? (i * 3) & 255 : (i * 5) & 255));
    const a = await decodeImage(await rawSharp(rgba, W, H, 4).png().toBuffer());
    expect(a.channels).toBe(4);
    expect(Buffer.from(a.data).equals(Buffer.from(rgba))).toBe(true);

    const flat = await decodeImage(
      await rawSharp(new Uint8Array([10, 20, 30, 0, 10, 20, 30, 255]), 2, 1, 4)
        .png()
        .toBuffer(),
      { flattenAlpha: 'ff8000' },
    );
    expect([flat.channels, ...flat.data]).toEqual([3, 255, 128, 0, 10, 20, 30]);
    await expectImageError(
      decodeImage(await rawSharp(rgb, W, H, 3).png().toBuffer(), { flattenAlpha: 'white' }),
      'unsupported',
    );
  });

  it('reduces 16-bit PNG to 8 bits and converts CMYK JPEG to RGB', async () => {
    const png16 = await rawSharp(rgb, W, H, 3).toColourspace('rgb16').png().toBuffer();
    const a = await decodeImage(png16);
    expect(a.channels).toBe(3);
    let maxDiff = 0;
    for (let i = 0; i < rgb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i]! - rgb[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);

    const cmyk = await rawSharp(rgb, W, H, 3).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const c = await decodeImage(cmyk);
    expect([c.width, c.height, c.channels]).toEqual([W, H, 3]);
  });

  it('ignores EXIF orientation unless asked to apply it', async () => {
    const buf = await rawSharp(rgb, W, H, 3).png().withMetadata({ orientation: 6 }).toBuffer();
    const raw = await decodeImage(buf);
    expect([raw.width, raw.height]).toEqual([W, H]);
    const oriented = await decodeImage(buf, { applyExifOrientation: true });
    expect([oriented.width, oriented.height]).toEqual([H, W]);
    // Orientation 6 = rotate 90° clockwise: the top-left output pixel is the source's bottom-left.
    const src = 3 * ((H - 1) * W);
    expect(Array.from(oriented.data.subarray(0, 3))).toEqual(Array.from(rgb.subarray(src, src + 3)));
  });

  it('reads PNM: P2, P3, P5, P6, 16-bit and comments', async () => {
    const grey = Array.from({ length: 6 }, (_, i) => i * 40);
    const p2 = Buffer.from(`P2\n# a comment\n3 2\n255\n${grey.join(' ')}\n`);
    const img2 = await decodeImage(p2);
    expect([img2.width, img2.height, img2.channels, Array.from(img2.data)]).toEqual([3, 2, 1, grey]);

    const p3 = Buffer.from('P3 2 1 15 15 0 0 0 15 0\n');
    expect(Array.from((await decodeImage(p3)).data)).toEqual([255, 0, 0, 0, 255, 0]);

    const p5 = Buffer.concat([Buffer.from('P5\n3 2\n255\n'), Buffer.from(grey)]);
    expect(Array.from((await decodeImage(p5)).data)).toEqual(grey);

    const p6 = Buffer.concat([Buffer.from(`P6\n${W} ${H}\n255\n`), Buffer.from(rgb)]);
    expect(Buffer.from((await decodeImage(p6)).data).equals(Buffer.from(rgb))).toBe(true);

    const p5wide = Buffer.concat([Buffer.from('P5 2 1 65535\n'), Buffer.from([0xff, 0xff, 0x80, 0x00])]);
    expect(Array.from((await decodeImage(p5wide)).data)).toEqual([255, 128]);
  });
});

describe('decodeImage: bad input', () => {
  it('reports a missing file as unreadable, with the path', async () => {
    const e = await expectImageError(decodeImage(join(scratch.dir, 'missing.png')), 'unreadable');
    expect(e.message).toContain('missing.png');
  });

  it('reports empty, garbage, truncated and unsupported inputs', async () => {
    await expectImageError(decodeImage(new Uint8Array(0)), 'empty');
    await expectImageError(decodeImage(Buffer.from('this is not an image at all')), 'unsupported');
    const jpeg = await rawSharp(gradientRgb(200, 200), 200, 200, 3).jpeg().toBuffer();
    await expectImageError(decodeImage(jpeg.subarray(0, jpeg.length >> 1)), 'corrupt');
    const png = await rawSharp(rgb, W, H, 3).png().toBuffer();
    const broken = Buffer.from(png);
    broken.fill(0x41, 40, 80);
    await expectImageError(decodeImage(broken), 'corrupt');
    await expectImageError(decodeImage(Buffer.from('P6\n4 4\n255\n\x01\x02')), 'corrupt');
    await expectImageError(decodeImage(Buffer.from('P5\n0 4\n255\n')), 'empty');
  });

  it('refuses images over the pixel limit before decoding them', async () => {
    const bomb = pngHeaderOnly(60_000, 60_000);
    const path = join(scratch.dir, 'bomb.png');
    writeFileSync(path, bomb);
    const e = await expectImageError(decodeImage(path), 'too-large');
    expect(e.message).toContain('bomb.png');
    const small = await rawSharp(rgb, W, H, 3).png().toBuffer();
    await expectImageError(decodeImage(small, { maxPixels: 100 }), 'too-large');
    await expectImageError(decodeImage(Buffer.from('P5 100 100 255\n'), { maxPixels: 10 }), 'too-large');
  });
});
