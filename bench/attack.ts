// Benchmark: hash queries per second inside the attack loop, per hasher, on 512-px images: a candidate built from
// decoded pixels (smooth pattern + clip) and hashed exactly, against the baseline of decoding a file per query
// (what a loop over written files would cost), and the hash alone on ready pixels. One core (sharp concurrency 1).
//
//   npm run bench -- attack [--seconds S] [--algos a,b] [--image FILE]
import { join } from 'node:path';
import sharp from 'sharp';
import { applyScaled } from '../src/attack/context.js';
import { HashOracle } from '../src/attack/oracle.js';
import { axisBasis, GREY_GAINS, rms, rmsForPsnr, toRgb, upsample, type RgbImage } from '../src/attack/pixels.js';
import { encodeJpeg } from '../src/attack/upload.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { createPrng } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

sharp.concurrency(1);
const seconds = Number(argValue('seconds') ?? 2);
const algos = (argValue('algos') ?? 'pdq,phash,ahash,dhash,blockhash,neural:models/scanlab-tiny.json').split(',');
const file =
  argValue('image') ?? join(import.meta.dirname, '..', 'datasets', 'sample', 'images', 'skimage-astronaut.jpg');
const decoded = toRgb(await decodeImage(file));
const source: RgbImage = toRgb(
  await decodeImage(
    await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
      .resize(512, 512, { fit: 'fill' })
      .png()
      .toBuffer(),
  ),
);
const prng = createPrng(1);
const want = rmsForPsnr(30);

function candidate(): RgbImage {
  const g = 2 + prng.nextInt(15);
  const theta = new Float64Array(g * g);
  prng.fillNormals(theta);
  const delta = upsample(theta, axisBasis(512, g), axisBasis(512, g));
  return applyScaled(source, delta, want / rms(delta), undefined, GREY_GAINS).image;
}

/** Calls per second of `fn` over about `seconds` (after one warm-up call); `per` queries per call. */
async function rate(fn: () => Promise<unknown>, per = 1): Promise<number> {
  await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await fn();
    n += per;
  }
  return n / ((performance.now() - t0) / 1000);
}

const jpeg = await encodeJpeg(candidate());
const ready = Array.from({ length: 8 }, candidate);
const rows = [['hasher', 'attack loop q/s', 'hash alone q/s', 'decode file + hash q/s', 'loop / decode']];
for (const algo of algos) {
  const hasher = getHasher(algo);
  const batch = algo.startsWith('neural') ? 16 : 1;
  const oracle = new HashOracle(hasher, Number.MAX_SAFE_INTEGER);
  const loop = await rate(() => oracle.hashes(Array.from({ length: batch }, candidate)), batch);
  let k = 0;
  const alone = await rate(() => oracle.hashes(Array.from({ length: batch }, () => ready[k++ % ready.length]!)), batch);
  const viaFile = await rate(async () => hasher.hash(await decodeImage(jpeg)));
  rows.push([algo, fmt(loop, 0), fmt(alone, 0), fmt(viaFile, 0), fmt(loop / viaFile, 2)]);
}
process.stdout.write(`512×512 candidates (${file}), ${seconds} s per cell, one thread\n`);
printTable(rows);
