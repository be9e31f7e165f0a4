// The default transform set: the edits of public perceptual-hash benchmarks plus the other common families.
import { TransformError } from './errors.js';
import { parseTransform } from './spec.js';
import type { Transform } from './types.js';

/**
 * Specs of the default set. It covers the transforms of public perceptual-hash benchmarks (e.g. Thorn's `perception`
 * benchmark and Meta's PDQ evaluation): JPEG 95, blur σ 2, gamma 2, noise, resize 0.5, rotate 4°, crop 5%, pad 20%,
 * vignette, watermark; and flips, greyscale, hue shift, stronger JPEG, brightness/contrast, aspect change, 90° turn
 * and the screenshot chain.
 */
export const DEFAULT_TRANSFORM_SPECS: readonly string[] = Object.freeze([
  'jpeg(q=95)',
  'jpeg(q=70)',
  'jpeg(q=30)',
  'resize(scale=0.5)',
  'stretch(x=1.25,y=1)',
  'crop(frac=0.95,anchor=center)',
  'crop(frac=0.8,anchor=random)',
  'rotate(deg=4,mode=fill)',
  'rotate(deg=90)',
  'flip(axis=h)',
  'pad(frac=0.2)',
  'blur(sigma=2)',
  'noise(sigma=10)',
  'brightness(factor=1.3)',
  'contrast(factor=0.7)',
  'gamma(g=2)',
  'greyscale',
  'hue(deg=30)',
  'vignette(strength=0.5)',
  'watermark(kind=logo,size=0.3,opacity=0.6,pos=br)',
  'screenshot(scale=0.75,border=0.08,q=80)',
]);

/** The default set, parsed (canonical specs via `formatTransform`). */
export const DEFAULT_TRANSFORMS: readonly Transform[] = Object.freeze(DEFAULT_TRANSFORM_SPECS.map(parseTransform));

/**
 * Parses a list of specs separated by commas or whitespace outside parentheses, e.g. a CLI's
 * `--transforms "default,jpeg(q=10),resize(scale=0.25)+jpeg(q=50)"`. The word `default` stands for the default set.
 * Duplicates (by canonical spec) are dropped, first occurrence kept.
 */
export function parseTransformList(text: string): Transform[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (current !== '') items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') items.push(current);
  if (items.length === 0) throw new TransformError('syntax', 'empty transform list');
  const seen = new Map<string, Transform>();
  for (const item of items) {
    const parsed = item === 'default' ? DEFAULT_TRANSFORMS : [parseTransform(item)];
    for (const t of parsed) if (!seen.has(t.spec)) seen.set(t.spec, t);
  }
  return [...seen.values()];
}
