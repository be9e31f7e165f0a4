// Shared helpers for benchmarks: timing with warm-up and best-of-N, and a plain-text table printer.
import { performance } from 'node:perf_hooks';
import { formatTable } from '../src/util/table.js';

/** Runs `fn` once to warm up, then `repeats` times; returns the fastest wall time in milliseconds. */
export async function bestOf(repeats: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Prints rows as an aligned text table (first row = header). */
export function printTable(rows: readonly (readonly string[])[]): void {
  process.stdout.write(formatTable(rows));
}

/** Reads `--name value` from argv. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
