// The eight rotations and flips of an image's pixels, for the dihedral-matching defence on hashers without their own.
import type { RgbImage } from './pixels.js';

/** (x, y) of the source pixel that lands at (u, v) of the output, for each variant; outputs of odd variants are transposed. */
const VARIANTS: readonly ((u: number, v: number, w: number, h: number) => [number, number])[] = [
  (u, v) => [u, v],
  (u, v, w) => [w - 1 - u, v],
  (u, v, _w, h) => [u, h - 1 - v],
  (u, v, w, h) => [w - 1 - u, h - 1 - v],
  (u, v) => [v, u],
  (u, v, w) => [w - 1 - v, u],
  (u, v, _w, h) => [v, h - 1 - u],
  (u, v, w, h) => [w - 1 - v, h - 1 - u],
];

/** The image and its seven other rotations/flips (the untransformed image first). */
export function dihedralImages(image: RgbImage): RgbImage[] {
  const { width: w, height: h, data } = image;
  return VARIANTS.map((f, index) => {
    const transposed = index >= 4;
    const ow = transposed ? h : w;
    const oh = transposed ? w : h;
    const out = new Uint8Array(w * h * 3);
    for (let v = 0; v < oh; v++) {
      for (let u = 0; u < ow; u++) {
        const [x, y] = f(u, v, w, h);
        const s = (y * w + x) * 3;
        const o = (v * ow + u) * 3;
        out[o] = data[s]!;
        out[o + 1] = data[s + 1]!;
        out[o + 2] = data[s + 2]!;
      }
    }
    return { width: ow, height: oh, channels: 3, data: out };
  });
}
