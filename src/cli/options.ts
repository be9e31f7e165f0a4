// Parsers for option values shared by several commands; each failure is a UsageError with one clear line.
import { availableParallelism } from 'node:os';
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

/** `--jobs N`: a positive integer; absent means one per core. */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a positive integer, not "${value}"`);
  return n;
}
