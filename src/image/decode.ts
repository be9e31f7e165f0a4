// Decodes image files and buffers to 8-bit RGB(A) with sharp (PNM through our own reader), enforcing a pixel limit.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageError } from './errors.js';
import { decodePnm, isPnm } from './pnm.js';
import { DEFAULT_MAX_PIXELS, type DecodeOptions, type Image } from './types.js';

sharp.cache(false);

/** Reads a file, mapping file-system failures to ImageError. */
export async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((e as Error).message);
    throw new ImageError('unreadable', why, path);
  }
}

/** A colour `rrggbb`, checked. */
function checkColour(hex: string): string {
  if (!/^[0-9a-fA-F]{6}$/.test(hex))
    throw new ImageError('unsupported', `flatten colour must be six hex digits (rrggbb), not "${hex}"`);
  return hex;
}

function sharpError(e: unknown, maxPixels: number): ImageError {
  const msg = String((e as Error)?.message ?? e).split('\n')[0]!;
  if (/unsupported image format/i.test(msg))
    return new ImageError('unsupported', 'unsupported or unrecognised image format');
  if (/pixel limit/i.test(msg))
    return new ImageError('too-large', `image has more pixels than the limit of ${maxPixels}`);
  return new ImageError('corrupt', `cannot decode image (${msg.replace(/^Input (buffer|file) /, '')})`);
}

/**
 * Decodes an image to 8-bit sRGB, RGB or RGBA (grey and palette inputs are expanded, 16-bit reduced, CMYK converted).
 * Animated inputs give their first frame. Alpha is returned as is: each hasher decides how its reference treats it.
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeOptions = {}): Promise<Image> {
  const source = typeof input === 'string' ? input : undefined;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const buf = typeof input === 'string' ? await readImageFile(input) : input;
  try {
    if (buf.length === 0) throw new ImageError('empty', 'file is empty');
    if (isPnm(buf)) return decodePnm(buf, maxPixels);
    return await decodeWithSharp(buf, maxPixels, options);
  } catch (e) {
    const err = e instanceof ImageError ? e : sharpError(e, maxPixels);
    throw source && !err.source ? new ImageError(err.kind, err.message, source) : err;
  }
}

async function decodeWithSharp(buf: Uint8Array, maxPixels: number, options: DecodeOptions): Promise<Image> {
  const pipeline = sharp(buf, {
    limitInputPixels: maxPixels,
    pages: 1,
    failOn: 'truncated',
    ignoreIcc: !options.applyIccProfile,
  });
  const oriented = options.applyExifOrientation ? pipeline.rotate() : pipeline;
  const flat =
    options.flattenAlpha === undefined
      ? oriented
      : oriented.flatten({ background: `#${checkColour(options.flattenAlpha)}` });
  let result;
  try {
    result = await flat.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw await explainSharpFailure(buf, e, maxPixels);
  }
  const { data, info } = result;
  if (info.channels !== 3 && info.channels !== 4)
    throw new ImageError('unsupported', `unexpected channel count ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** On the failure path only, reads the header again to say why: too many pixels, zero size, or a decoder error. */
async function explainSharpFailure(buf: Uint8Array, e: unknown, maxPixels: number): Promise<ImageError> {
  const meta = await sharp(buf, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (meta?.width !== undefined && meta.height !== undefined) {
    const pixels = meta.width * meta.height;
    if (pixels === 0) return new ImageError('empty', 'image has zero width or height');
    if (pixels > maxPixels) {
      return new ImageError(
        'too-large',
        `image is ${meta.width}x${meta.height} (${pixels} pixels), over the limit of ${maxPixels}`,
      );
    }
  }
  return sharpError(e, maxPixels);
}
