// Inversion by search, for hashes without an analytic inverse (blockhash, colorhash, learned hashes): hill-climb a
// coarse RGB grid, shown to the hasher as a smooth image, to minimise the Hamming distance between its hash and the
// target plus a smoothness prior (squared differences of neighbouring cells). Works with any Hasher.
import { hamming } from '../hash/hamming.js';
import type { Hash, Hasher } from '../hash/types.js';
import type { Image } from '../image/types.js';
import { createPrng } from '../util/prng.js';
import { pictureToSmoothImage, resampleGrid, THUMB_SIDE, type Picture } from './thumbnail.js';

export interface OptimiseOptions {
  /** Proposals evaluated (default 400). */
  readonly steps: number;
  readonly seed: number;
  /** Cells per side of the searched grid (default 8). */
  readonly grid?: number;
  /** Side of the image the hasher sees (default 64). */
  readonly imageSide?: number;
  /** Weight of the smoothness prior against the normalised Hamming distance (default 0.2). */
  readonly smoothness?: number;
}

export interface OptimiseResult {
  readonly picture: Picture;
  /** Hamming distance between the reconstruction's hash and the target. */
  readonly distance: number;
}

function roughness(grid: Float64Array, g: number): number {
  let sum = 0;
  for (let y = 0; y < g; y++)
    for (let x = 0; x < g; x++)
      for (let c = 0; c < 3; c++) {
        const v = grid[(y * g + x) * 3 + c] ?? 0;
        if (x + 1 < g) sum += (v - (grid[(y * g + x + 1) * 3 + c] ?? 0)) ** 2;
        if (y + 1 < g) sum += (v - (grid[((y + 1) * g + x) * 3 + c] ?? 0)) ** 2;
      }
  return sum / (2 * g * (g - 1) * 3 * 255 * 255);
}

function gridPicture(grid: Float64Array, g: number, side: number): Picture {
  const data = new Float64Array(side * side * 3);
  for (let c = 0; c < 3; c++)
    resampleGrid(
      Float64Array.from({ length: g * g }, (_, i) => grid[i * 3 + c] ?? 0),
      g,
      side,
    ).forEach((v, i) => (data[i * 3 + c] = v));
  return { side, channels: 3, data };
}

/** Averages a picture down to a g × g RGB grid (the starting point of the search). */
function toGrid(p: Picture, g: number): Float64Array {
  const grid = new Float64Array(g * g * 3);
  const f = p.side / g;
  for (let y = 0; y < p.side; y++)
    for (let x = 0; x < p.side; x++) {
      const cell = Math.floor(y / f) * g + Math.floor(x / f);
      for (let c = 0; c < 3; c++)
        grid[cell * 3 + c] =
          (grid[cell * 3 + c] ?? 0) +
          (p.data[(y * p.side + x) * p.channels + (p.channels === 1 ? 0 : c)] ?? 0) / (f * f);
    }
  return grid.map((v) => Math.max(0, Math.min(255, v)));
}

/**
 * Searches a picture whose hash is close to `target`, starting from `start` (e.g. the learned inverse's guess or a
 * flat grey picture). Each step changes one cell's brightness or one channel by a random amount and keeps the change
 * when the objective does not get worse.
 */
export async function optimiseInverse(
  hasher: Hasher,
  target: Hash,
  start: Picture,
  options: OptimiseOptions,
): Promise<OptimiseResult> {
  const g = options.grid ?? 8;
  const side = options.imageSide ?? 64;
  const weight = options.smoothness ?? 0.2;
  const prng = createPrng(options.seed);
  const render = (grid: Float64Array): Image => pictureToSmoothImage(gridPicture(grid, g, g), side);
  const distanceOf = async (grid: Float64Array): Promise<number> => hamming(await hasher.hash(render(grid)), target);
  let grid = toGrid(start, g);
  let distance = await distanceOf(grid);
  let objective = distance / target.nbits + weight * roughness(grid, g);
  for (let step = 0; step < options.steps && distance > 0; step++) {
    const next = grid.slice();
    const cell = prng.nextInt(g * g);
    const delta = prng.nextNormal() * 48;
    if (prng.nextInt(2) === 0) for (let c = 0; c < 3; c++) next[cell * 3 + c] = (next[cell * 3 + c] ?? 0) + delta;
    else {
      const channel = cell * 3 + prng.nextInt(3);
      next[channel] = (next[channel] ?? 0) + delta;
    }
    for (let c = 0; c < 3; c++) next[cell * 3 + c] = Math.max(0, Math.min(255, next[cell * 3 + c] ?? 0));
    const d = await distanceOf(next);
    const o = d / target.nbits + weight * roughness(next, g);
    if (o <= objective) {
      grid = next;
      distance = d;
      objective = o;
    }
  }
  return { picture: gridPicture(grid, g, THUMB_SIDE), distance };
}
