// PIL's `convert("HSV")` for 8-bit RGB: its integer RGB → HSV conversion (Convert.c rgb2hsv_row, single-precision).
//
// Hue and saturation are computed in C `float` with a few steps in double, then truncated to 0..255; every float
// step is rounded with Math.fround so the bytes equal PIL's (identical in Pillow 9.4.0 and 12.x). Alpha is ignored,
// and grey pixels (R = G = B) give H = S = 0, V = grey, which is also what PIL gives for "L", "LA" and "P" inputs.
// Checked against Pillow 9.4.0 on all 2^24 RGB colours (H, S and V all equal).
import type { Image } from './types.js';

const f32 = Math.fround;

/** PIL's saturation byte of one RGB pixel: trunc(255 · (max − min) / max), 0 for grey. */
function pilSaturation(r: number, g: number, b: number): number {
  const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
  const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
  if (maxc === minc) return 0;
  return Math.trunc(f32((maxc - minc) / maxc) * 255);
}

let saturationLookup: Uint8Array | undefined;

/**
 * PIL's saturation for every (max, max − min) pair, indexed `max << 8 | (max − min)`: saturation depends on nothing
 * else, so hot loops can look it up instead of dividing in single precision per pixel.
 */
export function saturationTable(): Uint8Array {
  if (!saturationLookup) {
    const table = new Uint8Array(65536);
    for (let maxc = 1; maxc < 256; maxc++) {
      for (let range = 1; range <= maxc; range++) table[(maxc << 8) | range] = Math.trunc(f32(range / maxc) * 255);
    }
    saturationLookup = table;
  }
  return saturationLookup;
}

/** PIL's hue byte of one RGB pixel (0..254; red is 0), 0 for grey. */
export function pilHue(r: number, g: number, b: number): number {
  const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
  const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
  if (maxc === minc) return 0;
  const cr = maxc - minc;
  let h: number;
  if (r === maxc) h = f32(f32((maxc - b) / cr) - f32((maxc - g) / cr));
  else if (g === maxc) h = f32(2 + f32((maxc - r) / cr) - f32((maxc - b) / cr));
  else h = f32(4 + f32((maxc - g) / cr) - f32((maxc - r) / cr));
  // fmod(h / 6 + 1, 1): the argument lies in (5/6, 11/6], where subtracting 1 is exact.
  const turns = h / 6 + 1;
  return Math.trunc(f32(turns >= 1 ? turns - 1 : turns) * 255);
}

/** PIL's `image.convert("HSV")`: a 3-channel image whose channels are H, S and V bytes. */
export function pilHsv(img: Image): Image {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  const src = img.data;
  const step = img.channels;
  const grey = step === 1;
  for (let i = 0, s = 0; i < n; i++, s += step) {
    const r = src[s]!;
    const g = grey ? r : src[s + 1]!;
    const b = grey ? r : src[s + 2]!;
    out[3 * i] = pilHue(r, g, b);
    out[3 * i + 1] = pilSaturation(r, g, b);
    out[3 * i + 2] = r > g ? (r > b ? r : b) : g > b ? g : b;
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}
