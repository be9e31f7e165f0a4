import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles, type HashRow } from '../src/hash/batch.js';
import { createHashers, hashFile, hashFileGroup } from '../src/hash/hash-image.js';
import { neuralHasher } from '../src/hash/neural/neural-hasher.js';
import { toHex } from '../src/hash/bits.js';
import { decodeImage } from '../src/image/decode.js';
import { listImageFiles } from '../src/image/files.js';

const root = join(import.meta.dirname, '..');
const card = join(root, 'models', 'scanlab-tiny.json');
const spec = `neural:${card}`;
const sample = join(root, 'datasets', 'sample', 'images');
let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scanlab-batching-'));
  writeFileSync(join(dir, 'broken.jpg'), 'not an image');
  const images = readdirSync(sample)
    .sort()
    .slice(0, 18)
    .map((f) => join(sample, f));
  // A file that does not decode and one that does not exist, inside a batch: each must keep its own error row.
  files = [
    ...images.slice(0, 5),
    join(dir, 'broken.jpg'),
    ...images.slice(5, 12),
    join(dir, 'missing.png'),
    ...images.slice(12),
  ];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(rows: AsyncGenerator<HashRow>): Promise<HashRow[]> {
  const out: HashRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe('hash batching for neural:CARD', () => {
  it('gives the rows of file-by-file hashing, in input order, in this thread and in workers', async () => {
    const algos = [spec, 'phash'];
    const hashers = createHashers(algos);
    const oneByOne: HashRow[] = [];
    for (const f of files) oneByOne.push(...(await hashFile(f, hashers)));
    expect(oneByOne.filter((r) => r.error).map((r) => r.file)).toEqual([files[5], files[5], files[13], files[13]]);
    expect(oneByOne.filter((r) => !r.error && r.algo === spec)).toHaveLength(files.length - 2);
    const here = await collect(hashFiles(files, { algos, jobs: 1, batchFiles: 8 }));
    expect(here).toEqual(oneByOne);
    const progress: number[] = [];
    const workers = await collect(
      hashFiles(files, { algos, jobs: 2, batchFiles: 4, onProgress: (done) => progress.push(done) }),
    );
    expect(workers).toEqual(oneByOne);
    expect(progress).toEqual([4, 8, 12, 16, 20]);
  }, 120_000);

  it('runs the model in a thread of its own with 2 jobs: the same rows, error rows only for the broken files', async () => {
    const oneByOne: HashRow[] = [];
    for (const f of files) oneByOne.push(...(await hashFile(f, createHashers([spec]))));
    const threaded = await collect(hashFiles(files, { algos: [spec], jobs: 2, batchFiles: 8 }));
    expect(threaded).toEqual(oneByOne);
    expect(threaded.filter((r) => r.error).map((r) => r.file)).toEqual([files[5], files[13]]);
  }, 120_000);

  it('lets the process exit by itself after a run with a model thread, also when the caller stops early', () => {
    const script = join(dir, 'exits.mts');
    writeFileSync(
      script,
      [
        `import { hashFiles } from ${JSON.stringify(join(root, 'src', 'hash', 'batch.ts'))};`,
        `const files = ${JSON.stringify(files.slice(3, 8))};`,
        `const rows = [];`,
        `for await (const r of hashFiles(files, { algos: [${JSON.stringify(spec)}], jobs: 2, batchFiles: 2 })) rows.push(r);`,
        `for await (const r of hashFiles(files, { algos: [${JSON.stringify(spec)}], jobs: 2, batchFiles: 2 })) break;`,
        `console.log(JSON.stringify(rows.map((r) => r.error ? 'error' : r.hash.length)));`,
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([24, 24, 'error', 24, 24]);
  }, 90_000);

  it('exits cleanly when the process exits while the model thread runs a batch (as on EPIPE), instead of aborting', () => {
    const script = join(dir, 'exits-mid-run.mts');
    writeFileSync(
      script,
      [
        `import { loadModelCard } from ${JSON.stringify(join(root, 'src', 'hash', 'neural', 'card.ts'))};`,
        `import { modelThreadFor } from ${JSON.stringify(join(root, 'src', 'hash', 'neural', 'model-thread.ts'))};`,
        `const model = await modelThreadFor(loadModelCard(${JSON.stringify(card)}), 1);`,
        `void model.infer(new Float32Array(64 * 3 * 64 * 64), [64, 3, 64, 64]).catch(() => undefined);`,
        `setTimeout(() => process.exit(0), 20);`,
      ].join('\n'),
    );
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect([r.status, r.signal]).toEqual([0, null]);
    }
  }, 120_000);

  it('hands the neural hasher the decodable images of a group in one call', async () => {
    const hasher = neuralHasher(card);
    const calls: number[] = [];
    const counted = {
      ...hasher,
      hashPrepared: (prepared: readonly Uint8Array[]) => (calls.push(prepared.length), hasher.hashPrepared(prepared)),
    };
    const rows = await hashFileGroup(files.slice(0, 8), [counted]);
    expect(calls).toEqual([7]);
    expect(rows.map((r) => r.file)).toEqual(files.slice(0, 8));
    expect(rows[5]!.error).toBeDefined();
  }, 60_000);

  it('gives every image of the bundled sample the hash of one image per model call', async () => {
    const hasher = neuralHasher(card, spec);
    const all = await listImageFiles([sample]);
    const perImage: string[] = [];
    for (const f of all) perImage.push(toHex(await hasher.hash(await decodeImage(f))));
    const batched = await collect(hashFiles(all, { algos: [spec], jobs: 1 }));
    expect(batched.map((r) => r.error ?? r.hash)).toEqual(perImage);
  }, 120_000);
});
