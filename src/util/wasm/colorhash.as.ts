// WebAssembly kernel (AssemblyScript) for imagehash's colorhash counts in one pass over 8-bit pixels: PIL's
// convert("L") for the black test and PIL's integer convert("HSV") (Convert.c rgb2hsv_row) for the saturation and hue
// bins, with every single-precision step rounded exactly where the JavaScript path in
// src/hash/imagehash/colorhash.ts rounds it (f64 arithmetic, then f32 demotion = Math.fround). That path is its oracle.
export { reserve } from './lib/scratch.as';

const BLACK_BELOW: u32 = 32; // 256 // 8
const GREY_BELOW: i32 = 85; // 256 // 3
const FAINT_BELOW: i32 = 170; // 256 * 2 // 3

/** PIL's saturation byte for every (max, max − min), indexed max << 8 | range: trunc(float(range / max) · 255). */
const SATURATION = memory.data(65536);
let saturationReady = false;

function fillSaturation(): void {
  for (let maxc = 1; maxc < 256; maxc++) {
    for (let range = 1; range <= maxc; range++) {
      store<u8>(SATURATION + <usize>((maxc << 8) | range), <u8>(<f64>(<f32>(<f64>range / <f64>maxc)) * 255.0));
    }
  }
  saturationReady = true;
}

/** numpy.histogram's bin of PIL's hue byte, edges linspace(0, 255, 7), the last bin closed. */
function hueBinOf(r: i32, g: i32, b: i32, maxc: i32, minc: i32): i32 {
  const cr = <f64>(maxc - minc);
  let h: f64;
  if (r == maxc) h = <f64>(<f32>(<f64>(<f32>(<f64>(maxc - b) / cr)) - <f64>(<f32>(<f64>(maxc - g) / cr))));
  else if (g == maxc) h = <f64>(<f32>(2.0 + <f64>(<f32>(<f64>(maxc - r) / cr)) - <f64>(<f32>(<f64>(maxc - b) / cr))));
  else h = <f64>(<f32>(4.0 + <f64>(<f32>(<f64>(maxc - g) / cr)) - <f64>(<f32>(<f64>(maxc - r) / cr))));
  const turns = h / 6.0 + 1.0;
  const hue = <i32>(<f64>(<f32>(turns >= 1.0 ? turns - 1.0 : turns)) * 255.0);
  const bin = <i32>Math.floor(<f64>hue / 42.5);
  return bin > 5 ? 5 : bin;
}

/**
 * The hue depends only on which channel is the maximum (r first, then g, then b) and on the two other channels'
 * distances x, y below it, one of which is the range max − min. `hueBinOf` for every such case, indexed by
 * (2 · channel + (x is the range ? 0 : 1)) << 16 | range << 8 | the other distance.
 */
const HUE_BINS = memory.data(6 << 16);
let hueBinsReady = false;

function fillHueBins(): void {
  for (let channel = 0; channel < 3; channel++) {
    for (let range = 1; range < 256; range++) {
      for (let d = 0; d <= range; d++) {
        for (let xIsRange = 0; xIsRange < 2; xIsRange++) {
          const x = xIsRange == 1 ? range : d;
          const y = xIsRange == 1 ? d : range;
          // A pixel with 255 in `channel` and x, y as hueBinOf names them (r: b, g; g: r, b; b: g, r); when a
          // distance of 0 puts it in an earlier channel's case the entry is never looked up.
          const r = channel == 0 ? 255 : channel == 1 ? 255 - x : 255 - y;
          const g = channel == 0 ? 255 - y : channel == 1 ? 255 : 255 - x;
          const b = channel == 0 ? 255 - x : channel == 1 ? 255 - y : 255;
          const index = ((2 * channel + (xIsRange == 1 ? 0 : 1)) << 16) | (range << 8) | (xIsRange == 1 ? y : x);
          store<u8>(HUE_BINS + <usize>index, <u8>hueBinOf(r, g, b, 255, 255 - range));
        }
      }
    }
  }
  hueBinsReady = true;
}

/** `hueBinOf` by table lookup. */
function hueBin(r: i32, g: i32, b: i32, maxc: i32, range: i32): i32 {
  let channel = 2;
  let x = maxc - g;
  let y = maxc - r;
  if (r == maxc) {
    channel = 0;
    x = maxc - b;
    y = maxc - g;
  } else if (g == maxc) {
    channel = 1;
    x = maxc - r;
    y = maxc - b;
  }
  const index = x == range ? ((2 * channel) << 16) | (range << 8) | y : ((2 * channel + 1) << 16) | (range << 8) | x;
  return <i32>load<u8>(HUE_BINS + <usize>index);
}

/**
 * Counts over `n` pixels of `step` bytes (1 = grey, 3 or 4 = RGB(A), alpha ignored) at `src`, written as 14 i32 at
 * `counts`: black, grey, then faint colours in hue bins 0..5, then bright colours in hue bins 0..5. Saturation exactly
 * 170 is neither faint nor bright, as in imagehash.
 */
export function colorCounts(src: usize, n: i32, step: i32, counts: usize): void {
  if (!saturationReady) fillSaturation();
  if (!hueBinsReady) fillHueBins();
  for (let k: usize = 0; k < 14; k++) store<i32>(counts + (k << 2), 0);
  let black = 0;
  let grey = 0;
  let p = src;
  const stride = <usize>step;
  for (let i = 0; i < n; i++, p += stride) {
    const r = <i32>load<u8>(p);
    const g = step == 1 ? r : <i32>load<u8>(p, 1);
    const b = step == 1 ? r : <i32>load<u8>(p, 2);
    if ((<u32>r * 19595 + <u32>g * 38470 + <u32>b * 7471 + 0x8000) >> 16 < BLACK_BELOW) {
      black++;
      continue;
    }
    const maxc = max(max(r, g), b);
    const minc = min(min(r, g), b);
    const sat = <i32>load<u8>(SATURATION + <usize>((maxc << 8) | (maxc - minc)));
    if (sat < GREY_BELOW) {
      grey++;
      continue;
    }
    if (sat == FAINT_BELOW) continue;
    const at = counts + <usize>((sat < FAINT_BELOW ? 2 : 8) + hueBin(r, g, b, maxc, maxc - minc)) * 4;
    store<i32>(at, load<i32>(at) + 1);
  }
  store<i32>(counts, black);
  store<i32>(counts, grey, 4);
}
