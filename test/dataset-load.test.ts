import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { findCrossGroupDuplicates } from '../src/dataset/duplicates.js';
import { datasetFingerprint, fileDigests } from '../src/dataset/fingerprint.js';
import { loadDataset } from '../src/dataset/load.js';
import { samplePath } from '../src/dataset/sample.js';
import { generateSyntheticDataset } from '../src/dataset/synthetic.js';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('dataset-load');
afterAll(scratch.cleanup);

describe('datasets', () => {
  it('generates the same synthetic images for the same seed, labelled synthetic when reloaded', async () => {
    const a = await generateSyntheticDataset(join(scratch.dir, 'a'), { count: 4, seed: 7, size: 64 });
    const b = await generateSyntheticDataset(join(scratch.dir, 'b'), { count: 4, seed: 7, size: 64 });
    const c = await generateSyntheticDataset(join(scratch.dir, 'c'), { count: 4, seed: 8, size: 64 });
    expect(await fileDigests(a)).toEqual(await fileDigests(b));
    expect((await fileDigests(a))[0]).not.toBe((await fileDigests(c))[0]);
    const reloaded = await loadDataset(join(scratch.dir, 'a'));
    expect(reloaded.synthetic).toBe(true);
    expect(reloaded.items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
    expect(datasetFingerprint(reloaded, await fileDigests(reloaded))).toBe(datasetFingerprint(a, await fileDigests(a)));
  });

  it('reads a plain folder: subfolders are groups, lone files their own group', async () => {
    const src = await generateSyntheticDataset(join(scratch.dir, 'src'), { count: 3, seed: 1, size: 48 });
    const dir = join(scratch.dir, 'folder');
    mkdirSync(join(dir, 'cats'), { recursive: true });
    copyFileSync(src.items[0]!.path, join(dir, 'cats', 'one.png'));
    copyFileSync(src.items[1]!.path, join(dir, 'cats', 'two.png'));
    copyFileSync(src.items[2]!.path, join(dir, 'lone.png'));
    const ds = await loadDataset(dir);
    expect(ds.synthetic).toBe(false);
    expect(ds.items.map((i) => [i.id, i.group])).toEqual([
      ['cats/one.png', 'cats'],
      ['cats/two.png', 'cats'],
      ['lone.png', 'lone.png'],
    ]);
  });

  it('finds exact and near-exact duplicates across groups only', async () => {
    const src = await generateSyntheticDataset(join(scratch.dir, 'dup-src'), { count: 3, seed: 2, size: 128 });
    const dir = join(scratch.dir, 'dups');
    mkdirSync(join(dir, 'g1'), { recursive: true });
    mkdirSync(join(dir, 'g2'), { recursive: true });
    copyFileSync(src.items[0]!.path, join(dir, 'g1', 'a.png'));
    copyFileSync(src.items[0]!.path, join(dir, 'g1', 'a-copy.png'));
    copyFileSync(src.items[0]!.path, join(dir, 'g2', 'a-exact.png'));
    await sharp(src.items[1]!.path)
      .jpeg({ quality: 92 })
      .toFile(join(dir, 'g1', 'b.jpg'));
    copyFileSync(src.items[1]!.path, join(dir, 'g2', 'b.png'));
    copyFileSync(src.items[2]!.path, join(dir, 'c.png'));
    const ds = await loadDataset(dir);
    const pairs = await findCrossGroupDuplicates(ds.items, await fileDigests(ds));
    expect(pairs).toEqual([
      { a: 'g1/a-copy.png', b: 'g2/a-exact.png', kind: 'exact' },
      { a: 'g1/a.png', b: 'g2/a-exact.png', kind: 'exact' },
      { a: 'g1/b.jpg', b: 'g2/b.png', kind: 'near-exact' },
    ]);
  });

  it('scanlab dataset check summarises the bundled sample', () => {
    const r = runCli(['dataset', 'check', samplePath(), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const manifest = JSON.parse(readFileSync(join(samplePath(), 'manifest.json'), 'utf8'));
    expect(report.items).toBe(manifest.items.length);
    expect(report.duplicates).toEqual([]);
    expect(report.multiItemGroups).toBeGreaterThan(5);
    expect(runCli(['dataset', 'check', join(scratch.dir, 'nope')]).stderr).toMatch(/no such file or folder/);
  });
});
