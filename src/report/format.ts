// Number formatting for reports: every rate with its interval, small probabilities in scientific notation.
import { formatProportion, type Proportion } from '../eval/binomial.js';
import type { Estimate } from '../eval/population.js';
import type { Cell } from './model.js';

/** `0.123`, `1.23e-5`, `0`: three significant digits, scientific below 0.001. */
export function formatSci(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 0.001 && Math.abs(x) < 1e6 ? x.toPrecision(3) : x.toExponential(2);
}

/** An estimate with its interval: `1.2e-5 [3.1e-7, 6.7e-5]`. */
export function formatEstimate(e: Estimate): string {
  return `${formatSci(e.estimate)} [${formatSci(e.lower)}, ${formatSci(e.upper)}]`;
}

/** Database sizes and photo volumes: `1e6`, `5e4`, `300`. */
export function formatCount(x: number): string {
  if (x < 1e4) return String(x);
  const exp = Math.floor(Math.log10(x));
  const mantissa = x / 10 ** exp;
  return Number.isInteger(mantissa) ? `${mantissa}e${exp}` : x.toExponential(2);
}

export function formatFixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

export const proportionCell = (p: Proportion): Cell => ({ text: formatProportion(p), value: { ...p } });
export const estimateCell = (e: Estimate): Cell => ({ text: formatEstimate(e), value: { ...e } });
export const numberCell = (x: number, text = String(x)): Cell => ({ text, value: x });
export const textCell = (text: string): Cell => ({ text, value: text });
export const emptyCell = (text = '—'): Cell => ({ text, value: null });
