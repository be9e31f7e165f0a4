// Benchmark: per-photo device cost of scanning before end-to-end encryption for 1024-px JPEGs — decode, hash, protocol
// message (visual derivative + voucher), envelope — against plain end-to-end encryption of the same photos measured
// in the same run; bytes on the wire; relay and matcher time. Target (issue 16): PDQ + tpsi-ad on libsodium adds
// ≤ 10 ms at p50 over plain E2EE on one core.
//
//   npm run bench -- pipeline [--photos 40] [--db-size 10000] [--protocols tpsi-ad,plaintext,oprf-membership]
//                             [--recipients 1]
//
// libvips runs with one thread (sharp.concurrency(1)); pin the process to one core with `taskset -c 0` for the
// one-core figure. The first pass over a few photos warms up JIT and libvips and is not counted.
import { cpus, loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Hash } from '../src/hash/types.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelinePhoto } from '../src/pipeline/run.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

sharp.concurrency(1);
const count = Number(argValue('photos') ?? 40);
const dbSize = Number(argValue('db-size') ?? 10_000);
const recipients = Number(argValue('recipients') ?? 1);
const protocols = (argValue('protocols') ?? 'tpsi-ad,plaintext,oprf-membership').split(',');

const dir = new URL('../datasets/sample/images/', import.meta.url).pathname;
const files = readdirSync(dir)
  .filter((f) => /\.(jpe?g|png)$/i.test(f))
  .sort();
const photos: PipelinePhoto[] = [];
for (const [i, f] of files.slice(0, count).entries()) {
  const jpeg = await sharp(readFileSync(join(dir, f)))
    .resize(1024, 1024, { fit: 'inside', withoutEnlargement: false })
    .jpeg({ quality: 85 })
    .toBuffer();
  photos.push({ name: f.replace(/\.\w+$/, '.jpg'), bytes: new Uint8Array(jpeg), account: i % 4 });
}
const prng = createPrng(16);
const database: Hash[] = Array.from({ length: dbSize }, () => ({
  algo: 'pdq',
  nbits: 256,
  bits: randomBytesFrom(prng, 32),
  quality: 100,
}));
const meanBytes = photos.reduce((s, p) => s + p.bytes.length, 0) / photos.length;
process.stdout.write(
  `pipeline bench: ${photos.length} JPEGs at 1024 px (mean ${fmt(meanBytes / 1024)} KiB), PDQ, database ${dbSize}, ` +
    `${recipients} recipient(s); ${cpus().length} CPUs, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n\n`,
);

const rows: string[][] = [
  [
    'protocol',
    'decode',
    'hash',
    'protocol',
    'of which derivative',
    'envelope',
    'total',
    'plain E2EE',
    'added p50',
    'added p99',
    'added CPU p50',
    'B/photo',
    'plain B',
    '+B',
    'matcher p50',
  ],
];
for (const protocol of protocols) {
  const config = {
    ...DEFAULT_PIPELINE_CONFIG,
    protocol,
    accountThreshold: 30,
    syntheticRate: 0.02,
    recipients,
  };
  await runPipeline(config, photos.slice(0, 4), database.slice(0, 100));
  const { costs } = await runPipeline(config, photos, database);
  const d = costs.device;
  const p = (s: { p50: number; p99: number }): string => `${fmt(s.p50, 2)}/${fmt(s.p99, 2)}`;
  rows.push([
    protocol,
    p(d.decodeMs),
    p(d.hashMs),
    p(d.protocolMs),
    p(d.derivativeMs),
    p(d.envelopeMs),
    p(d.totalMs),
    p(d.plainE2eeMs),
    fmt(d.addedMs.p50, 2),
    fmt(d.addedMs.p99, 2),
    fmt(d.addedCpuMs.p50, 2),
    fmt(costs.bytesPerPhoto.record, 0),
    fmt(costs.bytesPerPhoto.plainRecord, 0),
    fmt(costs.bytesPerPhoto.added, 0),
    fmt(costs.server.matcherMs.p50, 2),
  ]);
  if (protocol === 'tpsi-ad')
    process.stdout.write(
      `tpsi-ad added device latency p50 ${fmt(d.addedMs.p50, 2)} ms vs target 10 ms: ` +
        `${d.addedMs.p50 <= 10 ? 'met' : 'missed'} (ratio ${fmt(d.addedMs.p50 / 10, 2)}); added CPU p50 ` +
        `${fmt(d.addedCpuMs.p50, 2)} ms; ` +
        `total/plain E2EE p50 ratio ${fmt(d.totalMs.p50 / d.plainE2eeMs.p50, 2)}\n`,
    );
}
process.stdout.write('\ndevice ms p50/p99 per photo; bytes per photo on the wire (mean):\n');
printTable(rows);
process.stdout.write(
  `load after: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n`,
);
