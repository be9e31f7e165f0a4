// The final check of every attack: encode the candidate as the JPEG an upload would carry (q = 90), decode it
// with the hasher's own decoding rule and hash it with scanlab's exact hasher. That file decides success.
import sharp from 'sharp';
import { decodeImage } from '../image/decode.js';
import type { Hash } from '../hash/types.js';
import type { HashOracle } from './oracle.js';
import { toRgb, type RgbImage } from './pixels.js';

export const UPLOAD_JPEG_QUALITY = 90;

export interface Upload {
  /** The JPEG file's bytes. */
  readonly bytes: Uint8Array;
  /** Its decoded pixels (opaque RGB). */
  readonly decoded: RgbImage;
  /** scanlab's exact hash of the decoded file. */
  readonly hash: Hash;
}

/** Baseline JPEG, 4:2:0, libjpeg-turbo through sharp: the same encoder as the `jpeg(q=…)` transform. */
export async function encodeJpeg(image: RgbImage, quality = UPLOAD_JPEG_QUALITY): Promise<Uint8Array> {
  const buffer = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return new Uint8Array(buffer);
}

/** Encodes, decodes (as the hasher decodes files) and hashes the candidate: one query of the oracle. */
export async function upload(candidate: RgbImage, oracle: HashOracle, quality = UPLOAD_JPEG_QUALITY): Promise<Upload> {
  const bytes = await encodeJpeg(candidate, quality);
  const decoded = toRgb(await decodeImage(bytes, oracle.hasher.decode));
  return { bytes, decoded, hash: await oracle.hash(decoded) };
}
