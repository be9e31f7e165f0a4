// PIL's `convert("HSV")` for 8-bit RGB: its integer RGB → HSV conversion (Convert.c rgb2hsv_row, single-precision).
//
// Hue and saturation are computed in C `float` with a few steps in double, then truncated to 0..255; every float
// step is rounded with Math.fround so the bytes equal PIL's (identical in Pillow 9.4.0 and 12.x). Alpha is ignored,
// and grey pixels (R = G = B) give H = S = 0, V = grey, which is also what PIL gives for "L", "LA" and "P" inputs.
import type { Image } from './types.js';

const f32 = Math.fround;

/** PIL's saturation byte of one RGB pixel: trunc(255 · (max − min) / max), 0 for grey. */
export function pilSaturation(r: number, g: number, b: number): number {
  const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
  const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
  if (maxc === minc) return 0;
  return Math.trunc(f32((maxc - minc) / maxc) * 255);
}

/** PIL's hue byte of one RGB pixel (0..254; red is 0), 0 for grey. */
export function pilHue(r: number, g: number, b: number): number {
  const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
  const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
  if (maxc === minc) return 0;
  const cr = maxc - minc;
  const rc = f32((maxc - r) / cr);
  const gc = f32((maxc - g) / cr);
  const bc = f32((maxc - b) / cr);
  let h: number;
  if (r === maxc) h = f32(bc - gc);
  else if (g === maxc) h = f32(2 + rc - bc);
  else h = f32(4 + gc - rc);
  h = f32((h / 6 + 1) % 1);
  return Math.trunc(h * 255);
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
