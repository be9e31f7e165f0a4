// A seeded generator of varied synthetic images (gradients, shapes, stripes, noise) for scale tests. Every image is
// labelled `synthetic`, and so is every result computed on them: they are not photographs and say nothing about photo FPR.
import { join } from 'node:path';
import sharp from 'sharp';
import { createPrng, deriveSeed, type Prng } from '../util/prng.js';
import type { Dataset, DatasetItem } from './types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDir } from '../util/make-dir.js';

export interface SyntheticOptions {
  readonly count: number;
  readonly seed: number;
  /** Longest side in pixels (default 256). */
  readonly size?: number;
}

const colour = (r: Prng): string => `rgb(${r.nextInt(256)},${r.nextInt(256)},${r.nextInt(256)})`;

/** The SVG of synthetic image `index`: a gradient background and 4–16 random shapes, all drawn from the seed. */
export function syntheticSvg(seed: number, index: number, width: number, height: number): string {
  const r = createPrng(deriveSeed(seed, 'synthetic', index));
  const shapes: string[] = [];
  const n = 4 + r.nextInt(13);
  for (let i = 0; i < n; i++) {
    const x = r.nextInt(width);
    const y = r.nextInt(height);
    const s = 8 + r.nextInt(Math.max(9, Math.floor(Math.min(width, height) / 2)));
    const style = `fill="${colour(r)}" fill-opacity="${(0.3 + 0.7 * r.nextOpenUnit()).toFixed(3)}"`;
    switch (r.nextInt(4)) {
      case 0:
        shapes.push(
          `<rect x="${x - s / 2}" y="${y - s / 2}" width="${s}" height="${Math.round(s * (0.3 + r.nextOpenUnit()))}" transform="rotate(${r.nextInt(90)} ${x} ${y})" ${style}/>`,
        );
        break;
      case 1:
        shapes.push(`<circle cx="${x}" cy="${y}" r="${s / 2}" ${style}/>`);
        break;
      case 2:
        shapes.push(
          `<polygon points="${[0, 1, 2].map(() => `${r.nextInt(width)},${r.nextInt(height)}`).join(' ')}" ${style}/>`,
        );
        break;
      default: {
        const w = 2 + r.nextInt(10);
        shapes.push(
          `<g ${style}>${Array.from({ length: 6 }, (_, k) => `<rect x="${x + k * 2 * w}" y="0" width="${w}" height="${height}"/>`).join('')}</g>`,
        );
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="${r.nextOpenUnit().toFixed(3)}" y2="1"><stop offset="0" stop-color="${colour(r)}"/><stop offset="1" stop-color="${colour(r)}"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`
  );
}

/**
 * Writes `count` synthetic PNGs (each its own group) and a manifest marking every item `synthetic` into `dir`, and
 * returns them as a dataset labelled synthetic (`loadDataset` on the folder labels it synthetic again).
 */
export async function generateSyntheticDataset(dir: string, options: SyntheticOptions): Promise<Dataset> {
  const size = options.size ?? 256;
  await makeDir(dir);
  const items: DatasetItem[] = [];
  for (let i = 0; i < options.count; i++) {
    const r = createPrng(deriveSeed(options.seed, 'shape', i));
    const landscape = r.nextInt(2) === 0;
    const other = Math.round(size * (0.5 + 0.5 * r.nextOpenUnit()));
    const [w, h] = landscape ? [size, other] : [other, size];
    const id = `synthetic-${String(i).padStart(6, '0')}`;
    const path = join(dir, `${id}.png`);
    const noise = createPrng(deriveSeed(options.seed, 'noise', i));
    const { data, info } = await sharp(Buffer.from(syntheticSvg(options.seed, i, w, h)))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (let k = 0; k < data.length; k++)
      data[k] = Math.max(0, Math.min(255, data[k]! + Math.round(4 * noise.nextNormal())));
    await writeFileAtomic(
      path,
      await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .png()
        .toBuffer(),
    );
    items.push({ id, group: id, path, kind: 'synthetic' });
  }
  const name = `synthetic-${options.seed}-${options.count}`;
  const manifest = {
    name,
    version: 1,
    description: `scanlab synthetic images: seed ${options.seed}, ${options.count} images, longest side ${size} px. Not photographs.`,
    items: items.map((i) => ({ id: i.id, file: `${i.id}.png`, kind: 'synthetic', group: i.group })),
  };
  await writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return { name, source: dir, synthetic: true, items };
}
