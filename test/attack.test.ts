import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dihedralImages } from '../src/attack/dihedral.js';
import { gridModel, leastChange } from '../src/attack/least-change.js';
import { coefficients, linearModelFor, lumaPlane, matMul, thresholds } from '../src/attack/linear-model.js';
import { axisBasis, toRgb, upsample, type RgbImage } from '../src/attack/pixels.js';
import { psnr, ssim } from '../src/attack/quality.js';
import { attackDefences } from '../src/attack/defences.js';
import { attackConfig, runAttack } from '../src/attack/run.js';
import { fprConfig, runFpr } from '../src/eval/fpr.js';
import { successByKind, summariseAlgo, summariseAttack } from '../src/attack/summary.js';
import { readTargetHashes, targetFor } from '../src/attack/targets.js';
import { writeFileSync } from 'node:fs';
import type { AttackUnitResult } from '../src/attack/unit.js';
import { RunStore } from '../src/eval/store.js';
import { buildReport } from '../src/report/build.js';
import { loadReportInputs } from '../src/report/inputs.js';
import { existsSync } from 'node:fs';
import { fromHex } from '../src/hash/bits.js';
import { hamming } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { createPrng } from '../src/util/prng.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('attack');
afterAll(scratch.cleanup);
const sources = join(scratch.dir, 'sources');
const targets = join(scratch.dir, 'targets');
const sample = (name: string): string => join(repoRoot, 'datasets', 'sample', 'images', `${name}.jpg`);

/** Small copies of sample photos keep every attack fast; sizes differ so that no side divides evenly. */
beforeAll(async () => {
  mkdirSync(sources, { recursive: true });
  mkdirSync(targets, { recursive: true });
  await sharp(sample('skimage-coffee')).resize(200, 150).png().toFile(join(sources, 'coffee.png'));
  await sharp(sample('debian-emerald')).resize(210, 118).png().toFile(join(sources, 'emerald.png'));
  await sharp(sample('gnome-adwaita-light')).resize(160, 160).png().toFile(join(targets, 'adwaita.png'));
});

async function rgb(path: string): Promise<RgbImage> {
  return toRgb(await decodeImage(path));
}

describe('linear hash models', () => {
  it('give the real hash bits of pHash, aHash, dHash, blockhash and PDQ from float coefficients', async () => {
    const image = await rgb(sample('skimage-astronaut'));
    for (const algo of ['phash', 'ahash', 'dhash', 'blockhash', 'pdq']) {
      const model = linearModelFor(algo, image.width, image.height)!;
      const c = coefficients(model, lumaPlane(image));
      const t = thresholds(model, c);
      const bits = model.unpack(await getHasher(algo).hash(image));
      let agree = 0;
      c.forEach((v, k) => (agree += (v > t[k]! ? 1 : 0) === bits[k] ? 1 : 0));
      // The real hashers round to 8 bits between stages; only coefficients at their threshold may differ.
      expect(agree / c.length, algo).toBeGreaterThanOrEqual(0.95);
    }
    expect(linearModelFor('colorhash', 64, 64)).toBeUndefined();
  });

  it('leastChange meets the kept constraints with the least-norm grid', () => {
    const prng = createPrng(3);
    const model = linearModelFor('phash', 120, 90)!;
    const g = gridModel(model, axisBasis(90, 30), axisBasis(120, 40));
    const keep = [0, 5, 9, 17, 40, 63];
    const change = keep.map(() => prng.nextNormal() * 50);
    const theta = leastChange(g, keep, change);
    const c = matMul(matMul(g.ay, g.m, g.gy, theta, g.gx), g.m, g.gx, transpose(g.ax, g.n, g.gx), g.n);
    keep.forEach((k, i) => expect(c[k]).toBeCloseTo(change[i]!, 6));
    // Θ lies in the row space of the kept constraints: any other solution (Θ plus a null-space step) is longer.
    const norm = (v: Float64Array): number => Math.hypot(...v);
    const other = theta.map((v, i) => v + (i % 7 === 0 ? 0.01 : 0));
    const oc = matMul(matMul(g.ay, g.m, g.gy, other, g.gx), g.m, g.gx, transpose(g.ax, g.n, g.gx), g.n);
    const moved = keep.some((k, i) => Math.abs(oc[k]! - change[i]!) > 1e-9);
    expect(moved || norm(other) > norm(theta)).toBe(true);
  });
});

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

describe('pixels and distortion', () => {
  it('upsamples a constant grid to a constant plane and PSNR/SSIM behave on known changes', () => {
    const d = upsample(new Float64Array(12).fill(3), axisBasis(30, 3), axisBasis(40, 4));
    expect([...d].every((v) => Math.abs(v - 3) < 1e-6)).toBe(true);
    const a: RgbImage = { width: 16, height: 16, channels: 3, data: new Uint8Array(768).fill(100) };
    const b: RgbImage = { ...a, data: a.data.map((v) => v + 5) };
    expect(psnr(a, b)).toBeCloseTo(20 * Math.log10(255 / 5), 9);
    expect(psnr(a, a)).toBe(Infinity);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
    expect(ssim(a, b)).toBeLessThan(1);
  });

  it('gives the eight rotations and flips of an image', () => {
    // 3 × 2 image, pixel value = its index: the quarter turn of [[0,1,2],[3,4,5]] has rows [2,5],[1,4],[0,3] (one of them).
    const img: RgbImage = {
      width: 3,
      height: 2,
      channels: 3,
      data: Uint8Array.from({ length: 18 }, (_, i) => Math.floor(i / 3)),
    };
    const variants = dihedralImages(img).map((v) =>
      [v.width, v.height, ...v.data.filter((_, i) => i % 3 === 0)].join(','),
    );
    expect(new Set(variants).size).toBe(8);
    expect(variants[0]).toBe('3,2,0,1,2,3,4,5');
    expect(variants).toContain('2,3,2,5,1,4,0,3');
    expect(variants).toContain('2,3,0,3,1,4,2,5');
  });
});

describe('collision targets', () => {
  it('reads hashes CSVs as scanlab hash writes them and never targets the source group', async () => {
    const csv = join(scratch.dir, 'targets.csv');
    writeFileSync(
      csv,
      'file,algo,hash,quality,error\n"a,1.jpg",phash,8f373714acfcf4d0,,\n"a,1.jpg",pdq,' +
        'f'.repeat(64) +
        ',100,\nb.jpg,phash,,,unreadable\n',
    );
    const pool = await readTargetHashes(csv);
    expect(pool.targets).toEqual([
      { kind: 'hashes', id: 'a,1.jpg', hashes: { phash: '8f373714acfcf4d0', pdq: 'f'.repeat(64) } },
    ]);
    const images = {
      targets: ['g1', 'g1', 'g2'].map((group, i) => ({
        kind: 'image' as const,
        id: `t${i}`,
        path: `/x/t${i}.png`,
        group,
      })),
    };
    for (let seed = 0; seed < 20; seed++)
      expect(targetFor({ id: 's', group: 'g1', path: '/x/s.png' }, images, seed)?.id).toBe('t2');
  });
});

describe('summaries', () => {
  it('count successes with an exact interval, curves that only grow, and distances', () => {
    const win = (queries: number, psnrDb: number, distance: number) =>
      ({
        status: 'success',
        queries,
        seconds: 1,
        distance,
        psnr: psnrDb,
        ssim: 0.9,
        linf: 9,
        file: 'x',
        hash: '0',
        dihedralDistance: distance,
        others: { pdq: 40 },
      }) as const;
    const outcomes = [
      win(3, 35, 12),
      win(40, 31, 15),
      { status: 'failure', reason: 'budget', queries: 100, seconds: 2, bestDistance: 8 } as const,
    ];
    const s = summariseAlgo('evade', 10, 64, outcomes, { phash: 10, pdq: 31 }, 100);
    expect([s.n, s.successes, s.queriesMedian, s.psnrMedian]).toEqual([3, 2, 21.5, 33]);
    expect(s.ci[0]).toBeGreaterThan(0.09);
    expect(s.ci[1]).toBeGreaterThan(0.98);
    expect(s.byBudget.map((p) => p.successes)).toEqual([0, 0, 1, 1, 1, 2, 2]);
    expect(s.distances[12]).toBe(1);
    expect(s.withOther.pdq).toEqual({ n: 2, successes: 2 });
    // An empty shard (or only errors) is summarised, not a crash: no successes, an interval that says nothing.
    const none = summariseAlgo('evade', 10, 64, [{ status: 'error', error: 'x' }], { phash: 10 }, 100);
    expect([none.n, none.successes, none.errors, none.successRate, none.ci]).toEqual([0, 0, 1, 0, [0, 1]]);
    expect(none.queriesMedian).toBeNull();
  });

  it('split success by item kind, errors left out, intervals per kind, nothing when no item has a kind', () => {
    const win = {
      status: 'success',
      queries: 1,
      seconds: 1,
      distance: 12,
      psnr: 31,
      ssim: 0.9,
      linf: 9,
      file: 'x',
      hash: '0',
      dihedralDistance: 12,
      others: {},
    } as const;
    const miss = { status: 'failure', reason: 'budget', queries: 9, seconds: 1, bestDistance: 3 } as const;
    const units: AttackUnitResult[] = [
      { id: 'a', kind: 'photo', algos: { phash: win } },
      { id: 'b', kind: 'photo', algos: { phash: miss } },
      { id: 'c', kind: 'graphic', algos: { phash: miss } },
      { id: 'd', kind: 'graphic', algos: { phash: { status: 'error', error: 'x' } } },
      { id: 'e', algos: { phash: win } },
    ];
    const byKind = successByKind(units, 'phash')!;
    expect(Object.keys(byKind)).toEqual(['graphic', 'photo', 'unlabelled']);
    expect([byKind.photo!.n, byKind.photo!.successes, byKind.graphic!.n, byKind.graphic!.successes]).toEqual([
      2, 1, 1, 0,
    ]);
    expect(byKind.graphic!.ci[0]).toBe(0);
    expect(byKind.graphic!.ci[1]).toBeCloseTo(0.975, 3);
    const summary = summariseAttack('evade', units, [{ id: 'phash', nbits: 64 }], { phash: 10 }, 10);
    expect(summary.algorithms.phash!.byKind).toEqual(byKind);
    expect(successByKind([{ id: 'a', algos: { phash: win } }], 'phash')).toBeUndefined();
  });
});

/** Re-hashes every success's saved file from disk and checks it against what the run claims. */
async function checkSaved(
  units: AttackUnitResult[],
  out: string,
  kind: 'evade' | 'collide',
  refFor: (id: string, algo: string) => Promise<string>,
): Promise<number> {
  let checked = 0;
  for (const u of units) {
    for (const [algo, o] of Object.entries(u.algos)) {
      if (o.status !== 'success') continue;
      const hasher = getHasher(algo);
      const file = join(out, o.file);
      const saved = await hasher.hash(await decodeImage(file));
      const ref = fromHex(hasher.id, hasher.nbits, await refFor(u.id, algo));
      const d = hamming(saved, ref);
      expect(d, `${u.id} ${algo}`).toBe(o.distance);
      if (kind === 'evade') expect(d).toBeGreaterThan(algo === 'pdq' ? 31 : 10);
      else expect(d).toBeLessThanOrEqual(algo === 'pdq' ? 31 : 10);
      const source = await rgb(join(sources, u.id));
      expect(psnr(source, await rgb(file))).toBeCloseTo(o.psnr, 6);
      checked++;
    }
  }
  return checked;
}

const hexOf = async (path: string, algo: string): Promise<string> => {
  const h = await getHasher(algo).hash(await rgb(path));
  const { toHex } = await import('../src/hash/bits.js');
  return toHex(h);
};

describe('attacks end to end', () => {
  it('white-box evasion of pHash and PDQ: every success is the saved file, re-hashed, above τ at ≥ 30 dB', async () => {
    const store = RunStore.open(join(scratch.dir, 'w.sqlite'));
    const out = join(scratch.dir, 'white');
    const cfg = attackConfig({
      kind: 'evade',
      dataset: sources,
      algos: ['phash', 'pdq'],
      mode: 'whitebox',
      maxQueries: 60,
      out,
    });
    const { summary, run } = await runAttack(cfg, { store });
    const units = store.getResults<AttackUnitResult>(run.id, 'attacks').map((r) => r.value);
    const checked = await checkSaved(units, out, 'evade', (id, algo) => hexOf(join(sources, id), algo));
    expect(checked).toBe(summary.algorithms.phash!.successes + summary.algorithms.pdq!.successes);
    expect(summary.algorithms.phash!.successes).toBe(2);
    expect(summary.algorithms.pdq!.successes).toBe(2);
    expect(summary.algorithms.pdq!.psnrMedian!).toBeGreaterThanOrEqual(30);
    expect(existsSync(join(out, 'contact-sheet.jpg'))).toBe(true);
    // The report section draws on the stored run: its table names both hashers and both curves are there.
    const report = buildReport(await loadReportInputs(store, [run.id]));
    const section = report.sections.find((x) => x.id === 'attack-evade')!;
    expect(section.blocks.map((b) => b.kind)).toEqual(['text', 'table', 'chart', 'chart', 'table', 'image', 'text']);
    // Every success is an image past τ: none beats the bound of its hash's linear model, which every unit carries.
    for (const u of units)
      for (const o of Object.values(u.algos)) {
        expect(o.status !== 'error' && o.reach).toBeTruthy();
        if (o.status === 'success' && o.reach?.boundPsnr !== undefined)
          expect(o.psnr).toBeLessThanOrEqual(o.reach.boundPsnr);
      }
    expect(summary.algorithms.pdq!.reach!.n).toBe(2);
    const reach = section.blocks[4]!;
    expect(reach.kind === 'table' && reach.id.endsWith('-reach')).toBe(true);
    const sheet = section.blocks[5]!;
    expect(sheet.kind === 'image' && Buffer.from(sheet.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const table = section.blocks[1]!;
    expect(table.kind === 'table' && table.rows.map((r) => r.cells[0]!.text)).toEqual(['phash', 'pdq']);
    store.close();
  });

  it('black-box evasion of dHash and forced pHash collisions re-hash to what the run reports', async () => {
    const store = RunStore.open(join(scratch.dir, 'b.sqlite'));
    const out = join(scratch.dir, 'black');
    const evade = await runAttack(
      attackConfig({ kind: 'evade', dataset: sources, algos: ['dhash'], mode: 'blackbox', maxQueries: 200, out }),
      { store },
    );
    const eu = store.getResults<AttackUnitResult>(evade.run.id, 'attacks').map((r) => r.value);
    expect(await checkSaved(eu, out, 'evade', (id, algo) => hexOf(join(sources, id), algo))).toBe(
      evade.summary.algorithms.dhash!.successes,
    );
    expect(evade.summary.algorithms.dhash!.successes).toBeGreaterThanOrEqual(1);

    const cout = join(scratch.dir, 'collide');
    const collide = await runAttack(
      attackConfig({ kind: 'collide', dataset: sources, targets, algos: ['phash'], maxQueries: 60, out: cout }),
      { store },
    );
    const cu = store.getResults<AttackUnitResult>(collide.run.id, 'attacks').map((r) => r.value);
    expect(cu.every((u) => u.target === 'adwaita.png')).toBe(true);
    const n = await checkSaved(cu, cout, 'collide', () => hexOf(join(targets, 'adwaita.png'), 'phash'));
    expect(n).toBe(collide.summary.algorithms.phash!.successes);
    expect(n).toBeGreaterThanOrEqual(1);
    store.close();
  });
});

describe('defences', () => {
  it('price each defence on a stored FPR run: counts equal an independent re-hash of the images and saved files', async () => {
    const store = RunStore.open(join(scratch.dir, 'd.sqlite'));
    const fprSet = join(scratch.dir, 'fprset');
    mkdirSync(fprSet, { recursive: true });
    const names = ['skimage-coffee', 'debian-emerald', 'gnome-adwaita-light', 'skimage-chelsea', 'mate-dune'];
    for (const name of names)
      await sharp(sample(name))
        .resize(96, 80)
        .png()
        .toFile(join(fprSet, `${name}.png`));
    // A second copy of one photo under another name: an unrelated pair to the FPR run, and a match for both hashes.
    await sharp(sample('skimage-coffee')).resize(96, 80).jpeg({ quality: 80 }).toFile(join(fprSet, 'copy.jpg'));
    names.push('copy');
    const algos = ['phash', 'pdq'];
    // The copy is a duplicate across groups: kept in one FPR run, left out (as by default) in the other.
    const fpr = await runFpr(fprConfig({ dataset: fprSet, algos, keepDuplicates: true, minQuality: 0 }), { store });
    const fprDefault = await runFpr(fprConfig({ dataset: fprSet, algos, minQuality: 0 }), { store });
    const out = join(scratch.dir, 'defended');
    const { run, summary } = await runAttack(
      attackConfig({ kind: 'collide', dataset: sources, targets, algos, maxQueries: 60, out }),
      { store },
    );
    const rows = await attackDefences(store, run.id, fpr.run.id);
    // Unrelated pairs of the FPR set, hashed here from the files.
    const hashes = await Promise.all(
      names.map(async (n) => {
        const image = await rgb(join(fprSet, n === 'copy' ? 'copy.jpg' : `${n}.png`));
        return { phash: await getHasher('phash').hash(image), pdq: await getHasher('pdq').hash(image) };
      }),
    );
    const pairs = hashes.flatMap((a, i) => hashes.slice(i + 1).map((b) => [a, b] as const));
    const close = (algo: 'phash' | 'pdq', t: number) => (p: (typeof pairs)[number]) =>
      hamming(p[0][algo], p[1][algo]) <= t;
    const row = (algo: string, defence: string) => rows.find((r) => r.algo === algo && r.defence === defence)!;
    expect(pairs.filter((p) => close('phash', 10)(p) && close('pdq', 31)(p)).length).toBeGreaterThanOrEqual(1);
    expect(row('phash', 'τ=10').fpr).toMatchObject({ k: pairs.filter(close('phash', 10)).length, n: pairs.length });
    expect(row('phash', 'τ=5').fpr).toMatchObject({ k: pairs.filter(close('phash', 5)).length, n: pairs.length });
    expect(row('phash', 'both pdq').fpr).toMatchObject({
      k: pairs.filter((p) => close('phash', 10)(p) && close('pdq', 31)(p)).length,
      n: pairs.length,
    });
    // Without the duplicate pair, every rule counts the same pairs as the run's histograms.
    for (const r of await attackDefences(store, run.id, fprDefault.run.id))
      if (r.fpr) expect([r.defence, r.fpr.n]).toEqual([r.defence, pairs.length - 1]);
    // The attack's side: the collisions that also collide under the second hash, re-hashed from the saved JPEGs.
    const units = store.getResults<AttackUnitResult>(run.id, 'attacks').map((r) => r.value);
    const target = await rgb(join(targets, 'adwaita.png'));
    for (const [algo, other, t] of [
      ['phash', 'pdq', 31],
      ['pdq', 'phash', 10],
    ] as const) {
      let both = 0;
      let tight = 0;
      for (const u of units) {
        const o = u.algos[algo];
        if (o?.status !== 'success') continue;
        const saved = await rgb(join(out, o.file));
        if (hamming(await getHasher(other).hash(saved), await getHasher(other).hash(target)) <= t) both++;
        if (
          hamming(await getHasher(algo).hash(saved), await getHasher(algo).hash(target)) <=
          Math.floor(0.75 * summary.algorithms[algo]!.tau)
        )
          tight++;
      }
      expect(row(algo, `both ${other}`).successes).toBe(both);
      expect(row(algo, `τ=${Math.floor(0.75 * summary.algorithms[algo]!.tau)}`).successes).toBe(tight);
      expect(row(algo, `τ=${summary.algorithms[algo]!.tau}`).successes).toBe(summary.algorithms[algo]!.successes);
    }
    expect(summary.algorithms.phash!.successes + summary.algorithms.pdq!.successes).toBeGreaterThanOrEqual(3);
    // Stored with the run, the table becomes the report's defence table.
    store.putArtifact(run.id, 'defences', rows);
    const report = buildReport(await loadReportInputs(store, [run.id]));
    const section = report.sections.find((x) => x.id === 'attack-collide')!;
    const table = section.blocks.find((b) => b.kind === 'table' && b.id.endsWith('-defences'));
    expect(table?.kind === 'table' && table.rows.length).toBe(rows.length);
    store.close();
  });
});

describe('joint collisions', () => {
  it('collide under pHash and PDQ at once: each saved JPEG re-hashes within τ of the target under both', async () => {
    const store = RunStore.open(join(scratch.dir, 'j.sqlite'));
    const out = join(scratch.dir, 'joint');
    const algos = ['phash', 'pdq'];
    const { run, summary } = await runAttack(
      attackConfig({ kind: 'collide', dataset: sources, targets, algos, joint: true, maxQueries: 80, out }),
      { store },
    );
    const target = await rgb(join(targets, 'adwaita.png'));
    let checked = 0;
    for (const u of store.getResults<AttackUnitResult>(run.id, 'attacks').map((r) => r.value)) {
      for (const o of Object.values(u.algos)) {
        if (o.status !== 'success') continue;
        const saved = await rgb(join(out, o.file));
        for (const [algo, tau] of [
          ['phash', 10],
          ['pdq', 31],
        ] as const) {
          const h = getHasher(algo);
          expect(hamming(await h.hash(saved), await h.hash(target))).toBeLessThanOrEqual(tau);
        }
        checked++;
      }
    }
    expect(checked).toBe(summary.algorithms.phash!.successes + summary.algorithms.pdq!.successes);
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(summary.algorithms.phash!.withOther.pdq).toEqual({
      n: summary.algorithms.phash!.successes,
      successes: summary.algorithms.phash!.successes,
    });
    expect(() => attackConfig({ kind: 'evade', dataset: sources, algos, joint: true, out })).toThrow(/white-box/);
    store.close();
  });
});

describe('scanlab attack', () => {
  it('prints the documented JSON shape and refuses a white-box attack on a hash without one (exit 2)', () => {
    const store = join(scratch.dir, 'cli.sqlite');
    const r = runCli([
      'attack',
      'evade',
      '--dataset',
      sources,
      '--algo',
      'ahash',
      '--max-queries',
      '30',
      '--limit',
      '1',
      '--mode',
      'whitebox',
      '--out',
      join(scratch.dir, 'cli'),
      '--store',
      store,
      '--json',
    ]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { run: string; algorithms: Record<string, Record<string, unknown>> };
    expect(Object.keys(json.algorithms)).toEqual(['ahash']);
    for (const key of ['successRate', 'ci', 'queriesMedian', 'psnrMedian', 'n'])
      expect(json.algorithms.ahash).toHaveProperty(key);
    const bad = runCli([
      'attack',
      'evade',
      '--dataset',
      sources,
      '--algo',
      'colorhash',
      '--mode',
      'whitebox',
      '--out',
      join(scratch.dir, 'x'),
      '--store',
      store,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^scanlab: colorhash has no white-box form/);
  });
});
