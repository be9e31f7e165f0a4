// A small contact sheet of an attack run: originals on the top row, their adversarial JPEGs below, one column per
// success (up to six, taken in turn from each hasher), written as DIR/contact-sheet.jpg and kept as a PNG for reports.
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { AttackUnitInput, AttackUnitResult } from './unit.js';

const CELL = 160;
const MAX_COLUMNS = 6;

/** One column of the sheet: a source image and its adversarial JPEG for one hasher. */
export interface ContactPair {
  readonly id: string;
  readonly algo: string;
  readonly source: string;
  readonly adversarial: string;
}

/** The sheet as a report stores it: PNG bytes and what each column shows. */
export interface ContactSheet {
  readonly path: string;
  readonly pngBase64: string;
  readonly columns: readonly { readonly id: string; readonly algo: string }[];
}

/** The (source path, adversarial file) pairs shown: successes taken round-robin over hashers. */
export function contactPairs(
  units: readonly AttackUnitResult[],
  inputs: readonly AttackUnitInput[],
  out: string,
): ContactPair[] {
  const pathOf = new Map(inputs.map((i) => [i.id, i.path]));
  const perAlgo = new Map<string, ContactPair[]>();
  for (const u of units) {
    const source = pathOf.get(u.id);
    if (!source) continue;
    for (const [algo, o] of Object.entries(u.algos)) {
      if (o.status !== 'success') continue;
      const list = perAlgo.get(algo) ?? [];
      list.push({ id: u.id, algo, source, adversarial: join(out, o.file) });
      perAlgo.set(algo, list);
    }
  }
  const pairs: ContactPair[] = [];
  for (let round = 0; pairs.length < MAX_COLUMNS; round++) {
    const before = pairs.length;
    for (const list of perAlgo.values()) {
      const pair = list[round];
      if (pair && pairs.length < MAX_COLUMNS) pairs.push(pair);
    }
    if (pairs.length === before) break;
  }
  return pairs;
}

/** Writes the sheet; returns it, or undefined when there is no success to show. */
export async function writeContactSheet(
  units: readonly AttackUnitResult[],
  inputs: readonly AttackUnitInput[],
  out: string,
): Promise<ContactSheet | undefined> {
  const pairs = contactPairs(units, inputs, out);
  if (pairs.length === 0) return undefined;
  const thumb = (path: string): Promise<Buffer> =>
    sharp(path)
      .resize(CELL, CELL, { fit: 'contain', background: '#ffffff' })
      .flatten({ background: '#ffffff' })
      .png()
      .toBuffer();
  const tiles = await Promise.all(
    pairs.flatMap((p, column) => [
      thumb(p.source).then((input) => ({ input, left: column * CELL, top: 0 })),
      thumb(p.adversarial).then((input) => ({ input, left: column * CELL, top: CELL })),
    ]),
  );
  const png = await sharp({
    create: { width: pairs.length * CELL, height: 2 * CELL, channels: 3, background: '#ffffff' },
  })
    .composite(tiles)
    .png()
    .toBuffer();
  const path = join(out, 'contact-sheet.jpg');
  await writeFileAtomic(path, await sharp(png).jpeg({ quality: 85 }).toBuffer());
  // Reports embed a palette PNG (a third of the size; the files themselves are the exact pixels).
  const small = await sharp(png).png({ palette: true, compressionLevel: 9 }).toBuffer();
  return {
    path,
    pngBase64: small.toString('base64'),
    columns: pairs.map((p) => ({ id: p.id, algo: p.algo })),
  };
}
