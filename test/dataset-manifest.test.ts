// The bundled sample (datasets/sample) against its real files, and the manifest validator on small broken manifests.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, type ManifestDataset } from '../src/dataset/manifest.js';
import { loadSample, samplePath } from '../src/dataset/sample.js';
import { repoRoot } from './helpers/images.js';

const MAX_SIDE = 1024;
const MAX_TOTAL_BYTES = 20_000_000;

describe('bundled sample', async () => {
  const sample: ManifestDataset = await loadSample({ verifySha256: true });
  const items = sample.items;

  it('lives in datasets/sample of this checkout', () => {
    expect(samplePath()).toBe(join(repoRoot, 'datasets', 'sample'));
    expect(sample.name).toBe('scanlab-sample');
    expect(sample.version).toBe(1);
  });

  it('holds 60 to 150 items with short, unique, lowercase ids and full provenance', () => {
    expect(items.length).toBeGreaterThanOrEqual(60);
    expect(items.length).toBeLessThanOrEqual(150);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const i of items) {
      expect(i.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(i.id.length).toBeLessThanOrEqual(40);
      for (const key of ['source_package', 'source_version', 'original_path', 'license', 'sha256'] as const) {
        expect(i[key], `${i.id}.${key}`).toBeTruthy();
      }
    }
  });

  it('stores exactly the files the manifest lists, within the size budget', () => {
    const onDisk = readdirSync(join(samplePath(), 'images')).sort();
    const listed = items.map((i) => i.file.replace(/^images\//, '')).sort();
    expect(onDisk).toEqual(listed);
    const total = items.reduce((sum, i) => sum + statSync(i.path).size, 0);
    expect(total).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
  });

  it('records each file’s real width and height, longest side at most 1024', async () => {
    for (const i of items) {
      const { info } = await sharp(i.path).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height], i.id).toEqual([i.width, i.height]);
      expect(Math.max(info.width, info.height), i.id).toBeLessThanOrEqual(MAX_SIDE);
    }
  });

  it('labels every item photo, art or graphic, mostly photos', () => {
    const counts: Record<string, number> = {};
    for (const i of items) counts[i.kind ?? 'none'] = (counts[i.kind ?? 'none'] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['art', 'graphic', 'photo']);
    expect(counts.photo).toBeGreaterThan(items.length / 2);
    expect(counts.art).toBeGreaterThanOrEqual(10);
    expect(counts.graphic).toBeGreaterThanOrEqual(10);
  });

  it('has several near-duplicate groups; a lone item is its own group', () => {
    const members = new Map<string, string[]>();
    for (const i of items) members.set(i.group, [...(members.get(i.group) ?? []), i.id]);
    const multi = [...members.values()].filter((m) => m.length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(5);
    for (const [group, ids] of members) if (ids.length === 1) expect(ids[0]).toBe(group);
  });

  it('matches the selection list the build script reads', () => {
    const sources = JSON.parse(readFileSync(join(repoRoot, 'datasets', 'sample-sources.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
      items: { id: string; package: string; path: string; kind: string; group: string; license: string }[];
    };
    expect(items.map((i) => i.id)).toEqual(sources.items.map((s) => s.id));
    for (const [i, s] of items.map((item, k) => [item, sources.items[k]!] as const)) {
      expect([i.kind, i.group, i.source_package, i.original_path, i.license]).toEqual([
        s.kind,
        s.group,
        s.package,
        '/' + s.path,
        s.license,
      ]);
      expect(i.source_version).toBe(sources.packages[s.package]!.version);
    }
  });
});

describe('loadManifest validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlab-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pixel = Buffer.from([137, 80, 78, 71]);
  writeFileSync(join(dir, 'a.png'), pixel);
  writeFileSync(join(dir, 'b.png'), Buffer.from('other bytes'));
  const shaA = createHash('sha256').update(pixel).digest('hex');
  let n = 0;

  /** Writes a manifest file (an object is JSON-encoded, a string is written as is) and returns its path. */
  function manifestFile(content: unknown): string {
    const path = join(dir, `m${n++}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }
  const valid = (items: unknown[]) => ({ name: 't', version: 1, items });

  it('loads a minimal manifest: absolute paths, group defaulting to the id', async () => {
    const path = manifestFile(
      valid([
        { id: 'a', file: 'a.png', sha256: shaA },
        { id: 'b', file: 'b.png', group: 'g', kind: 'photo' },
      ]),
    );
    const ds = await loadManifest(path);
    expect(ds.source).toBe(path);
    expect(ds.synthetic).toBe(false);
    expect(ds.items.map((i) => [i.id, i.group, i.path, i.kind])).toEqual([
      ['a', 'a', join(dir, 'a.png'), undefined],
      ['b', 'g', join(dir, 'b.png'), 'photo'],
    ]);
  });

  const rejects = async (content: unknown, message: RegExp, verifySha256 = false) => {
    const path = manifestFile(content);
    const err = await loadManifest(path, { verifySha256 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith(path)).toBe(true);
    expect((err as Error).message).not.toContain('\n');
  };

  it('rejects unreadable files and malformed JSON', async () => {
    const err = await loadManifest(join(dir, 'absent.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    await rejects('{"name": "t", ', /invalid JSON/);
    await rejects('[1, 2]', /not a JSON object/);
  });

  it('names the missing or mistyped top-level field', async () => {
    await rejects({ version: 1, items: [] }, /missing field "name"/);
    await rejects({ name: 't', version: 0, items: [] }, /missing field "version"/);
    await rejects({ name: 't', version: 1 }, /missing field "items"/);
    await rejects({ name: 't', version: 1, items: {} }, /missing field "items"/);
  });

  it('names the item and the field that is wrong', async () => {
    await rejects(valid(['a.png']), /items\[0\] is not an object/);
    await rejects(valid([{ file: 'a.png' }]), /items\[0\]: missing field "id"/);
    await rejects(valid([{ id: 'a', file: 'a.png' }, { id: 'b' }]), /items\[1\] \(id "b"\): missing field "file"/);
    await rejects(valid([{ id: 'a', file: 'a.png', group: '' }]), /field "group" must be a non-empty string/);
    await rejects(valid([{ id: 'a', file: 'a.png', width: 0 }]), /field "width" must be a positive integer/);
    await rejects(valid([{ id: 'a', file: 'a.png', height: 1.5 }]), /field "height" must be a positive integer/);
    await rejects(
      valid([{ id: 'a', file: 'a.png', sha256: shaA.toUpperCase() }]),
      /field "sha256" must be 64 lowercase hex/,
    );
  });

  it('rejects duplicate ids', async () => {
    await rejects(
      valid([
        { id: 'a', file: 'a.png' },
        { id: 'a', file: 'b.png' },
      ]),
      /duplicate id "a"/,
    );
  });

  it('rejects missing files and paths leaving the manifest folder', async () => {
    await rejects(
      valid([
        { id: 'a', file: 'a.png' },
        { id: 'c', file: 'c.png' },
      ]),
      /item "c": file "c.png" does not exist/,
    );
    await rejects(valid([{ id: 'a', file: '../a.png' }]), /must be a path inside the manifest's folder/);
    await rejects(valid([{ id: 'a', file: join(dir, 'a.png') }]), /must be a path inside the manifest's folder/);
  });

  it('verifies sha256 only when asked, and then requires it', async () => {
    const wrong = valid([{ id: 'b', file: 'b.png', sha256: shaA }]);
    await expect(loadManifest(manifestFile(wrong))).resolves.toBeTruthy();
    await rejects(wrong, /item "b": sha256 of "b.png" is [0-9a-f]{64}, manifest says/, true);
    await rejects(valid([{ id: 'b', file: 'b.png' }]), /item "b": no sha256 to verify/, true);
    const ok = await loadManifest(manifestFile(valid([{ id: 'a', file: 'a.png', sha256: shaA }])), {
      verifySha256: true,
    });
    expect(ok.items[0]!.sha256).toBe(shaA);
  });
});
