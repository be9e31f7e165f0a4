// Distributions of per-account counts (photos per year, known images held): `fixed:N`,
// `lognormal:median=M,sigma=S`, `pareto:min=M,alpha=A`; draws are rounded to integers and capped, and the quantile
// function gives the analytic side the very same distribution.
import { normalQuantile } from '../eval/binomial.js';
import type { Prng } from '../util/prng.js';
import { SimulationUsageError } from './errors.js';

/** The largest count a draw may take (a year of photos; keeps Pareto tails finite). */
export const DEFAULT_COUNT_CAP = 1_000_000;

export type CountDistribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number; readonly cap: number }
  | { readonly kind: 'pareto'; readonly min: number; readonly alpha: number; readonly cap: number };

function params(body: string, spec: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of body.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!k || v === undefined || !Number.isFinite(n))
      throw new SimulationUsageError(`"${spec}": expected name=value pairs, got "${part}"`);
    out.set(k.trim(), n);
  }
  return out;
}

function need(p: Map<string, number>, key: string, spec: string, ok: (n: number) => boolean): number {
  const v = p.get(key);
  if (v === undefined || !ok(v)) throw new SimulationUsageError(`"${spec}" needs a valid ${key}=`);
  return v;
}

/** Parses `fixed:5000`, `lognormal:median=1000,sigma=1.2` or `pareto:min=100,alpha=1.5` (optional `,cap=N`). */
export function parseCountDistribution(spec: string): CountDistribution {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const body = colon < 0 ? '' : spec.slice(colon + 1);
  const positive = (n: number): boolean => n > 0;
  if (kind === 'fixed') {
    const value = Number(body);
    if (!Number.isInteger(value) || value < 0)
      throw new SimulationUsageError(`"${spec}": fixed takes a non-negative integer`);
    return { kind, value };
  }
  if (kind !== 'lognormal' && kind !== 'pareto')
    throw new SimulationUsageError(
      `"${spec}": distributions are fixed:N, lognormal:median=M,sigma=S, pareto:min=M,alpha=A`,
    );
  const p = params(body, spec);
  const cap = p.get('cap') ?? DEFAULT_COUNT_CAP;
  if (!Number.isInteger(cap) || cap < 1) throw new SimulationUsageError(`"${spec}": cap must be a positive integer`);
  if (kind === 'lognormal')
    return { kind, median: need(p, 'median', spec, positive), sigma: need(p, 'sigma', spec, (n) => n >= 0), cap };
  return { kind, min: need(p, 'min', spec, positive), alpha: need(p, 'alpha', spec, positive), cap };
}

export function formatCountDistribution(d: CountDistribution): string {
  switch (d.kind) {
    case 'fixed':
      return `fixed:${d.value}`;
    case 'lognormal':
      return `lognormal:median=${d.median},sigma=${d.sigma}${d.cap === DEFAULT_COUNT_CAP ? '' : `,cap=${d.cap}`}`;
    case 'pareto':
      return `pareto:min=${d.min},alpha=${d.alpha}${d.cap === DEFAULT_COUNT_CAP ? '' : `,cap=${d.cap}`}`;
  }
}

const clampRound = (x: number, cap: number): number => Math.min(cap, Math.max(0, Math.round(x)));

/** The count at quantile u ∈ [0, 1] (u = 1 gives the cap for unbounded distributions). */
export function countQuantile(d: CountDistribution, u: number): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'lognormal':
      if (u <= 0) return 0;
      if (u >= 1) return d.cap;
      return clampRound(d.median * Math.exp(d.sigma * normalQuantile(u)), d.cap);
    case 'pareto':
      if (u >= 1) return d.cap;
      return clampRound(d.min * Math.pow(1 - u, -1 / d.alpha), d.cap);
  }
}

export function sampleCount(d: CountDistribution, prng: Prng): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'lognormal':
      return clampRound(d.median * Math.exp(d.sigma * prng.nextNormal()), d.cap);
    case 'pareto':
      return clampRound(d.min * Math.pow(prng.nextOpenUnit(), -1 / d.alpha), d.cap);
  }
}

/** The distribution's mean, by quadrature over its quantiles (exact for fixed). */
export function meanCount(d: CountDistribution, cells = 20000): number {
  if (d.kind === 'fixed') return d.value;
  let s = 0;
  for (let i = 0; i < cells; i++) s += countQuantile(d, (i + 0.5) / cells);
  return s / cells;
}
