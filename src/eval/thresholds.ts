// Operating thresholds: the distance at or below which two hashes of an algorithm are called a match.
// Defaults are conventions from the literature and reference tools; every command lets the user set its own.
import { PDQ_DEFAULT_MATCH_THRESHOLD } from '../hash/pdq/match.js';
import { getHasher } from '../hash/registry.js';

const DEFAULTS: Record<string, number> = {
  // ThreatExchange's PDQ matching threshold (pdq/README: 31 of 256 bits).
  pdq: PDQ_DEFAULT_MATCH_THRESHOLD,
  // PDQ matched in all eight rotations and mirror images (the FPR run's pdq-dihedral row): the same threshold.
  'pdq-dihedral': PDQ_DEFAULT_MATCH_THRESHOLD,
  // For 64-bit imagehash-family hashes, 10 bits (about 15%) is the threshold most often used in published comparisons.
  ahash: 10,
  dhash: 10,
  phash: 10,
  whash: 10,
  // colorhash is 42 bits and coarse; 4 bits (about 10%).
  colorhash: 4,
  // blockhash 256 bits: 10% of the bits, as blockhash's authors suggest for "similar" images.
  blockhash: 25,
};

/** The default operating threshold of an algorithm spec: listed ones, else 10% of its bits. */
export function defaultThreshold(algo: string): number {
  return DEFAULTS[algo] ?? Math.round(getHasher(algo).nbits * 0.1);
}

/** Parses `pdq=31,phash=8` into a map; algorithms not named keep their defaults. */
export function parseThresholds(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new RangeError(`bad threshold "${part}": expected ALGO=N, e.g. pdq=31`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export function thresholdFor(algo: string, overrides: Record<string, number>): number {
  return overrides[algo] ?? defaultThreshold(algo);
}
