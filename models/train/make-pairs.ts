// Training views for scanlab-tiny: each listed image plus randomly parametrised scanlab transforms of it, resized exactly
// as the hasher resizes (the card's rule), written as one uint8 array for train.py.
//
// usage: node --import tsx models/train/make-pairs.ts --data DIR --out DIR [--views 24] [--seed 1]
//   DIR/<package>/<path> for every item of models/train/data-list.json (models/train/fetch-data.sh DIR makes it)
//   out: views.u8 (items × views × H × W × 3, view 0 untransformed), views.json (items, transform specs, seed)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage } from '../../src/image/decode.js';
import type { Image } from '../../src/image/types.js';
import { loadModelCard } from '../../src/hash/neural/card.js';
import { resizeForModel } from '../../src/hash/neural/preprocess.js';
import { createPrng, deriveSeed, type Prng } from '../../src/util/prng.js';
import { chainTransforms, createTransform } from '../../src/transform/spec.js';
import type { Transform } from '../../src/transform/types.js';

interface Item {
  readonly package: string;
  readonly path: string;
  readonly kind: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    views: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    card: { type: 'string', default: resolve(here, '..', 'scanlab-tiny.json') },
  },
});
if (!args.data || !args.out) throw new Error('usage: make-pairs.ts --data DIR --out DIR [--views 24] [--seed 1]');
const views = Number(args.views);
const seed = Number(args.seed);
const card = loadModelCard(args.card!);
const items = (JSON.parse(readFileSync(join(here, 'data-list.json'), 'utf8')) as { items: Item[] }).items;

const uniform = (r: Prng, lo: number, hi: number): number => Math.round((lo + (hi - lo) * r.nextOpenUnit()) * 1000) / 1000;
const pick = <T>(r: Prng, list: readonly T[]): T => list[r.nextInt(list.length)]!;
const colour = (r: Prng): string => (r.nextUint32() & 0xffffff).toString(16).padStart(6, '0');

/** One randomly parametrised step per family, drawn with the family's weight: wider ranges than the evaluation's defaults. */
const FAMILIES: readonly (readonly [number, (r: Prng) => Transform])[] = [
  [3, (r) => createTransform('jpeg', { q: Math.round(uniform(r, 15, 95)) })],
  [2, (r) => createTransform('resize', { scale: uniform(r, 0.25, 0.9), restore: r.nextInt(2) === 1 })],
  [2, (r) => createTransform('stretch', { x: uniform(r, 0.75, 1.35), y: uniform(r, 0.75, 1.35) })],
  [3, (r) => createTransform('crop', { frac: uniform(r, 0.7, 0.97), anchor: pick(r, ['center', 'tl', 'tr', 'bl', 'br', 'random']) })],
  [2, (r) => createTransform('rotate', { deg: uniform(r, -10, 10), mode: pick(r, ['fill', 'crop']) })],
  [1, (r) => (r.nextInt(2) === 0 ? createTransform('flip', { axis: pick(r, ['h', 'v']) }) : createTransform('rotate', { deg: pick(r, [90, 180, 270]) }))],
  [3, (r) => createTransform('pad', { frac: uniform(r, 0.05, 0.3), colour: colour(r) })],
  [2, (r) => createTransform('blur', { sigma: uniform(r, 0.5, 3) })],
  [2, (r) => createTransform('noise', { sigma: uniform(r, 3, 20) })],
  [2, (r) => createTransform('brightness', { factor: uniform(r, 0.6, 1.5) })],
  [2, (r) => createTransform('contrast', { factor: uniform(r, 0.5, 1.5) })],
  [3, (r) => createTransform('gamma', { g: uniform(r, 0.4, 2.5) })],
  [3, () => createTransform('greyscale')],
  [3, (r) => createTransform('hue', { deg: Math.round(uniform(r, -60, 60)) })],
  [2, (r) => createTransform('vignette', { strength: uniform(r, 0.2, 0.8) })],
  [2, (r) => createTransform('watermark', { kind: pick(r, ['logo', 'text']), size: uniform(r, 0.15, 0.4), opacity: uniform(r, 0.3, 0.9), pos: 'random' })],
  [3, (r) => createTransform('screenshot', { scale: uniform(r, 0.5, 1), border: uniform(r, 0.03, 0.12), q: Math.round(uniform(r, 60, 90)) })],
];
const totalWeight = FAMILIES.reduce((s, [w]) => s + w, 0);

function randomStep(r: Prng): Transform {
  let x = r.nextInt(totalWeight);
  for (const [w, make] of FAMILIES) {
    if (x < w) return make(r);
    x -= w;
  }
  throw new Error('unreachable');
}

/** One to three steps (probabilities 0.5, 0.35, 0.15). */
function randomTransform(r: Prng): Transform {
  const u = r.nextOpenUnit();
  const steps = u < 0.5 ? 1 : u < 0.85 ? 2 : 3;
  return chainTransforms(Array.from({ length: steps }, () => randomStep(r)));
}

/** The training source: decoded, transparent images flattened onto a seeded solid colour. */
async function loadSource(item: Item, index: number): Promise<Image> {
  const image = await decodeImage(join(args.data!, item.package, item.path));
  if (image.channels !== 4) return image;
  const r = createPrng(deriveSeed(seed, 'background', index));
  const background = { r: r.nextInt(256), g: r.nextInt(256), b: r.nextInt(256) };
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .flatten({ background }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

const viewBytes = card.input.width * card.input.height * 3;
const out = new Uint8Array(items.length * views * viewBytes);
const specs: string[][] = [];
const started = Date.now();
for (let i = 0; i < items.length; i++) {
  const source = await loadSource(items[i]!, i);
  const row: string[] = ['identity'];
  const transformed: Promise<Image>[] = [Promise.resolve(source)];
  for (let v = 1; v < views; v++) {
    const transform = randomTransform(createPrng(deriveSeed(seed, 'transform', i, v)));
    row.push(transform.spec);
    transformed.push(transform.apply(source, deriveSeed(seed, 'apply', i, v)));
  }
  const resized = await Promise.all(transformed.map(async (t) => resizeForModel(await t, card)));
  resized.forEach((pixels, v) => out.set(pixels, (i * views + v) * viewBytes));
  specs.push(row);
  if ((i + 1) % 50 === 0) process.stderr.write(`${i + 1}/${items.length} images, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'views.u8'), out);
writeFileSync(join(args.out, 'views.json'), JSON.stringify({
  card: card.name, seed, views, height: card.input.height, width: card.input.width, channels: 3,
  items: items.map((it, i) => ({ ...it, transforms: specs[i] })),
}));
process.stderr.write(`wrote ${items.length} x ${views} views in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
