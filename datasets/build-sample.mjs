#!/usr/bin/env node
// Rebuilds datasets/sample/ (images, manifest.json, LICENSES.md) from the Debian packages listed in
// datasets/sample-sources.json: apt-get download, dpkg -x, pick the listed files, downscale with sharp, check budgets.
// Deterministic: the same .deb files and the same sharp/libvips build give byte-identical output.
//
//   node datasets/build-sample.mjs [--debs DIR] [--keep-work] [--latest] [--out DIR]
//
//   --debs DIR   use the .deb files already in DIR (named PKG_VERSION_ARCH.deb) instead of downloading them
//   --latest     accept whatever version apt offers instead of the version pinned in sample-sources.json
//   --keep-work  keep the temporary folder with the downloaded and extracted packages
//   --out DIR    write somewhere other than datasets/sample
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_SIDE = 1024;
const MAX_TOTAL_BYTES = 20_000_000;
const JPEG_QUALITY = 90;
const MIN_ITEMS = 60;
const MAX_ITEMS = 150;

function parseArgs(argv) {
  const opts = { debs: null, keepWork: false, latest: false, out: join(HERE, 'sample') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--debs') opts.debs = resolve(argv[++i]);
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--keep-work') opts.keepWork = true;
    else if (a === '--latest') opts.latest = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function debVersion(deb) {
  return execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim();
}

/** Finds PKG_*.deb in a folder (apt-get download escapes the epoch colon as %3a). */
function findDeb(dir, pkg) {
  const hits = readdirSync(dir).filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')).sort();
  if (hits.length !== 1) throw new Error(`expected exactly one ${pkg}_*.deb in ${dir}, found ${hits.length}`);
  return join(dir, hits[0]);
}

function fetchPackages(packages, work, opts) {
  const debDir = opts.debs ?? join(work, 'debs');
  mkdirSync(debDir, { recursive: true });
  const versions = {};
  for (const [pkg, info] of Object.entries(packages)) {
    if (!opts.debs) {
      const spec = opts.latest ? pkg : `${pkg}=${info.version}`;
      execFileSync('apt-get', ['download', spec], { cwd: debDir, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const deb = findDeb(debDir, pkg);
    const version = debVersion(deb);
    if (!opts.latest && version !== info.version) {
      throw new Error(`${pkg}: got version ${version}, sample-sources.json pins ${info.version} (use --latest to accept it)`);
    }
    const root = join(work, 'root', pkg);
    mkdirSync(root, { recursive: true });
    execFileSync('dpkg', ['-x', deb, root]);
    versions[pkg] = version;
    console.log(`extracted ${pkg} ${version}`);
  }
  return versions;
}

/** Resolves a path inside an extracted package, following symlinks without leaving the package root. */
function resolveInRoot(root, rel) {
  let p = join(root, rel);
  for (let hops = 0; hops < 16; hops++) {
    if (!lstatSync(p).isSymbolicLink()) return p;
    const target = readlinkSync(p);
    p = isAbsolute(target) ? join(root, target) : resolve(dirname(p), target);
    if (!p.startsWith(root + '/')) throw new Error(`${rel}: symlink leaves the package`);
  }
  throw new Error(`${rel}: too many symlinks`);
}

/** SVGs are rasterised at a density that makes their longest side at least MAX_SIDE, then downscaled like the rest. */
async function openImage(file, bytes) {
  if (extname(file).toLowerCase() !== '.svg') return sharp(bytes, { limitInputPixels: false });
  const meta = await sharp(bytes).metadata();
  const density = Math.max(72, Math.ceil((72 * MAX_SIDE) / Math.max(meta.width, meta.height)));
  return sharp(bytes, { density, limitInputPixels: false });
}

async function renderItem(item, file) {
  const bytes = readFileSync(file);
  const decodedPixels = await (await openImage(file, bytes)).rotate().raw().toBuffer();
  const format = item.format ?? 'jpeg';
  let img = (await openImage(file, bytes))
    .rotate()
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' });
  if (format === 'jpeg') img = img.flatten({ background: '#ffffff' }).jpeg({ quality: JPEG_QUALITY });
  else if (format === 'png') img = img.png({ compressionLevel: 9 });
  else throw new Error(`${item.id}: unknown format ${format}`);
  const { data, info } = await img.toBuffer({ resolveWithObject: true });
  return { data, info, ext: format === 'jpeg' ? 'jpg' : 'png', sourceSha: sha256(bytes), pixelSha: sha256(decodedPixels) };
}

function checkUnique(rendered) {
  const problems = [];
  for (const key of ['sourceSha', 'pixelSha', 'outSha']) {
    const seen = new Map();
    for (const r of rendered) {
      const other = seen.get(r[key]);
      if (other) problems.push(`${r.item.id} duplicates ${other} (${key})`);
      else seen.set(r[key], r.item.id);
    }
  }
  if (problems.length) throw new Error(`${problems.join('; ')}; keep one of each in sample-sources.json`);
}

/** A group of one is named after its item; a group named after an item contains that item. */
function checkGroups(items) {
  const ids = new Set(items.map((i) => i.id));
  const members = new Map();
  for (const i of items) members.set(i.group, [...(members.get(i.group) ?? []), i.id]);
  for (const [group, list] of members) {
    if (list.length === 1 && list[0] !== group) throw new Error(`${list[0]}: alone in group ${group}; a single item's group is its id`);
    if (ids.has(group) && !list.includes(group)) throw new Error(`group ${group} is another item's id but does not contain it`);
  }
}

function licensesMarkdown(sources, items) {
  const lines = [
    '# Licences of the bundled sample',
    '',
    'Every image in `images/` is a downscaled copy of a file shipped in a Debian package (Debian 12 "bookworm").',
    'For each package: the copyright file it ships, a summary of what it says about the files used here, and the items it covers.',
    'The `license` field of each manifest item is the SPDX identifier of the licence that applies to that file.',
    '',
  ];
  for (const [pkg, info] of Object.entries(sources.packages)) {
    const covered = items.filter((i) => i.source_package === pkg);
    lines.push(`## ${pkg} ${info.version}`, '', `Copyright file: \`/usr/share/doc/${pkg}/copyright\``, '');
    for (const l of info.notice) lines.push(l);
    lines.push('', 'Items:', '');
    for (const i of covered) lines.push(`- \`${i.id}\` — \`${i.original_path}\` — ${i.license}`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const sources = JSON.parse(readFileSync(join(HERE, 'sample-sources.json'), 'utf8'));
  const n = sources.items.length;
  if (n < MIN_ITEMS || n > MAX_ITEMS) throw new Error(`${n} items listed; the sample holds ${MIN_ITEMS} to ${MAX_ITEMS}`);
  const ids = sources.items.map((i) => i.id);
  if (new Set(ids).size !== n) throw new Error('duplicate ids in sample-sources.json');
  checkGroups(sources.items);
  const work = mkdtempSync(join(tmpdir(), 'scanlab-sample-'));
  try {
    const versions = fetchPackages(sources.packages, work, opts);
    const rendered = [];
    for (const item of sources.items) {
      const file = resolveInRoot(join(work, 'root', item.package), item.path);
      const r = await renderItem(item, file);
      rendered.push({ item, ...r, outSha: sha256(r.data) });
    }
    checkUnique(rendered);

    const imagesDir = join(opts.out, 'images');
    rmSync(imagesDir, { recursive: true, force: true });
    mkdirSync(imagesDir, { recursive: true });
    let total = 0;
    const items = rendered.map(({ item, data, info, ext, outSha }) => {
      if (Math.max(info.width, info.height) > MAX_SIDE) throw new Error(`${item.id}: ${info.width}x${info.height} is over ${MAX_SIDE}`);
      const rel = `images/${item.id}.${ext}`;
      writeFileSync(join(opts.out, rel), data);
      total += data.length;
      return {
        id: item.id,
        file: rel,
        kind: item.kind,
        group: item.group,
        source_package: item.package,
        source_version: versions[item.package],
        original_path: '/' + item.path,
        license: item.license,
        width: info.width,
        height: info.height,
        sha256: outSha,
      };
    });
    if (total > MAX_TOTAL_BYTES) throw new Error(`sample is ${total} bytes, over the ${MAX_TOTAL_BYTES}-byte budget`);

    const manifest = { name: 'scanlab-sample', version: 1, description: sources.description, items };
    writeFileSync(join(opts.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(opts.out, 'LICENSES.md'), licensesMarkdown(sources, items));

    const byKind = {};
    for (const i of items) byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
    const groups = new Set(items.map((i) => i.group));
    const multi = [...groups].filter((g) => items.filter((i) => i.group === g).length > 1);
    console.log(`${items.length} items ${JSON.stringify(byKind)}, ${groups.size} groups (${multi.length} with several members), ${total} bytes`);
  } finally {
    if (opts.keepWork) console.log(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`build-sample: ${e.message}`);
  process.exit(1);
});
