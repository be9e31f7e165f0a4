// Contact sheets and reconstruction files: originals beside each algorithm's reconstruction, as PNG.
import sharp from 'sharp';
import type { Image } from '../image/types.js';
import { pictureToImage, type Picture } from './thumbnail.js';

/** Side in pixels of one tile of a contact sheet. */
export const TILE_SIDE = 64;

/** PNG bytes of an 8-bit RGB image. */
export async function encodePng(image: Image): Promise<Buffer> {
  return sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .png()
    .toBuffer();
}

/** A picture as a PNG of `size` × `size` pixels. */
export const picturePng = (p: Picture, size = TILE_SIDE): Promise<Buffer> => encodePng(pictureToImage(p, size));

/**
 * A grid with one row per image: its original thumbnail, then one tile per column (a reconstruction, or a blank
 * tile where there is none), 2 px white gaps.
 */
export function contactSheet(rows: readonly (readonly (Picture | undefined)[])[], tile = TILE_SIDE): Image {
  const gap = 2;
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const width = cols * (tile + gap) + gap;
  const height = rows.length * (tile + gap) + gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) =>
    row.forEach((p, c) => {
      if (!p) return;
      const t = pictureToImage(p, tile);
      for (let y = 0; y < tile; y++) {
        const dst = ((gap + r * (tile + gap) + y) * width + gap + c * (tile + gap)) * 3;
        data.set(t.data.subarray(y * tile * 3, (y + 1) * tile * 3), dst);
      }
    }),
  );
  return { width, height, channels: 3, data };
}

/** A file-system-safe name for an algorithm id (`neural:models/x.json` → `neural-x`). */
export function algoDirName(algo: string): string {
  const base = algo.replace(/^neural:(.*\/)?/, 'neural-').replace(/\.json$/, '');
  return base.replace(/[^A-Za-z0-9._-]+/g, '-');
}
