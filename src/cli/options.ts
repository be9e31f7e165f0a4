// Parsers for option values shared by several commands; each failure is a UsageError with one clear line.
import { availableParallelism } from 'node:os';
import { parseThresholds } from '../eval/thresholds.js';
import { canonicalSpec, getHasher } from '../hash/registry.js';
import { UsageError } from './errors.js';

/** Splits a comma-separated list, dropping empty items. */
export function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`empty list: "${value}"`);
  return items;
}

/** `--jobs N` (or another worker-count option, named): a positive integer; absent means one per core. */
export function parseJobs(value: string | undefined, name = '--jobs'): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a positive integer, not "${value}"`);
  return n;
}

/** A number-valued option: what was given is named when it is not a finite number. */
export function parseNumberOption(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} must be a number, not "${value}"`);
  return n;
}

/** One algorithm spec (`PDQ`, `phash:16`), in canonical case; an unknown or malformed one is a usage error. */
export function parseAlgo(spec: string): string {
  const canonical = canonicalSpec(spec.trim());
  try {
    getHasher(canonical);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  return canonical;
}

/** `--algo a,b,c`: each spec checked and in canonical case. */
export function parseAlgos(value: string): string[] {
  return parseList(value).map(parseAlgo);
}

/** `--thresholds pdq=31,phash=8`: per-algorithm operating thresholds; a malformed entry is a usage error. */
export function parseThresholdsOption(text: string | undefined): Record<string, number> {
  try {
    return parseThresholds(text);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
