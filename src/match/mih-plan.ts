// Choosing the multi-index layout (how many substrings, how wide) and when a linear scan is cheaper than MIH.
import { PDQ_DEFAULT_MATCH_THRESHOLD } from '../hash/pdq/match.js';
import { MAX_NEIGHBOURS, MAX_SUBSTRING_WIDTH, neighbourCount } from './substring.js';
import type { SubstringLayout } from './substring-table.js';
import { tableRadius } from './mih-search.js';

/**
 * Relative costs, in units of one directory probe (a random memory access). Verifying a candidate costs more
 * (its id, its hash, the distance); a linear scan streams memory and pays only the popcount per word. Calibrated on
 * 10^6 and 10^7 random 256-bit hashes (bench/match.ts): MIH ≈ 20× faster than the scan at radius 31, ≈ 2× at 47,
 * ≈ 1.5× slower at 63.
 */
export interface CostModel {
  readonly probe: number;
  readonly candidate: number;
  readonly linearPerWord: number;
}

export const DEFAULT_COST_MODEL: CostModel = { probe: 1, candidate: 1.5, linearPerWord: 0.012 };

/** The radius an index is tuned for when none is given: PDQ's customary 31 of 256 bits, scaled to the hash length. */
export const defaultDesignRadius = (nbits: number): number => Math.round((nbits * PDQ_DEFAULT_MATCH_THRESHOLD) / 256);

/** m disjoint substrings of `width` bits, spread evenly over the hash's real bits (padding bits are never indexed). */
export function evenLayout(nbits: number, m: number, width: number): SubstringLayout[] {
  const pad = Math.ceil(nbits / 32) * 32 - nbits;
  return Array.from({ length: m }, (_, t) => ({ start: pad + Math.floor((t * nbits) / m), width }));
}

/** Expected cost of one MIH radius query on `count` uniformly spread hashes. */
export function mihCost(
  count: number,
  layouts: readonly SubstringLayout[],
  radius: number,
  model: CostModel = DEFAULT_COST_MODEL,
): number {
  let cost = 0;
  layouts.forEach((layout, t) => {
    const s = tableRadius(radius, layouts.length, t);
    if (s < 0) return;
    const probes = neighbourCount(layout.width, s);
    if (probes > MAX_NEIGHBOURS) cost = Infinity;
    cost += probes * (model.probe + (model.candidate * count) / 2 ** layout.width);
  });
  return cost;
}

/** Cost of one linear-scan query. */
export const linearCost = (count: number, nbits: number, model: CostModel = DEFAULT_COST_MODEL): number =>
  count * Math.ceil(nbits / 32) * model.linearPerWord;

/** Whether MIH over these tables beats a linear scan at this radius. */
export function mihPays(
  count: number,
  nbits: number,
  layouts: readonly SubstringLayout[],
  radius: number,
  model: CostModel = DEFAULT_COST_MODEL,
): boolean {
  return layouts.length > 0 && mihCost(count, layouts, radius, model) < linearCost(count, nbits, model);
}

/**
 * The layout with the lowest expected cost at `radius`, over m substrings of equal width w with m·w ≤ nbits and
 * at most one directory bucket per entry (2^w ≤ count, which bounds memory as in Norouzi et al.'s choice
 * w ≈ log2 count); ties go to fewer tables. Empty when no layout beats the linear scan.
 */
export function planLayout(
  nbits: number,
  count: number,
  radius: number,
  model: CostModel = DEFAULT_COST_MODEL,
): SubstringLayout[] {
  const maxWidth = Math.min(MAX_SUBSTRING_WIDTH, Math.floor(Math.log2(Math.max(1, count))));
  let best: SubstringLayout[] = [];
  let bestCost = linearCost(count, nbits, model);
  for (let m = 1; m <= nbits; m++) {
    for (let width = 1; width <= Math.min(maxWidth, Math.floor(nbits / m)); width++) {
      const layout = evenLayout(nbits, m, width);
      const cost = mihCost(count, layout, radius, model);
      if (cost < bestCost) {
        best = layout;
        bestCost = cost;
      }
    }
  }
  return best;
}
