// Benchmark: hash queries per second inside the attack loop, per hasher, on a 512-px image. The evasion search's loop
// (`HashOracle.patternHashes`: a smooth pattern made into an 8-bit candidate by the builder on its WebAssembly kernel,
// in reused buffers, then hashed exactly by the real hasher; for PDQ the builder's pass fused with PDQ's luminance,
// no pixels written) on the working image of at most 256 px, and at 512 px, against baselines measured in the same
// run: at 512 px, building the candidate then hashing it (the loop before the fused pass); the same loop with the
// builder's JavaScript passes (the hashers still on their kernels); the older loop (candidate built at full size
// through a float copy of the pattern); decoding a file per query (what a loop over written files would cost); and
// the hash alone on ready 512-px pixels. One core (sharp concurrency 1). For learned hashes, a second table: the
// white-box attack's evaluations (the model's graph in JavaScript, values and their gradient) against the same
// graph forward only and the hasher's own hash of one image through onnxruntime.
//
//   npm run bench -- attack [--seconds S] [--algos a,b] [--image FILE]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { applyScaled } from '../src/attack/context.js';
import { differentiableHash, tensorMap } from '../src/attack/gradient-steer.js';
import { UnsupportedGraphError } from '../src/attack/model-gradient.js';
import { HashOracle } from '../src/attack/oracle.js';
import {
  axisBasis,
  gainsFor,
  GREY_GAINS,
  rms,
  rmsForPsnr,
  toRgb,
  upsample,
  type RgbImage,
} from '../src/attack/pixels.js';
import { encodeJpeg } from '../src/attack/upload.js';
import { workSideFor } from '../src/attack/evade-search.js';
import { CandidateBuilder, workImage } from '../src/attack/work-image.js';
import type { NeuralHasher } from '../src/hash/neural/neural-hasher.js';
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

function pattern(): { gy: number; gx: number; theta: Float64Array } {
  const g = 2 + prng.nextInt(15);
  const theta = new Float64Array(g * g);
  prng.fillNormals(theta);
  return { gy: g, gx: g, theta };
}

/** The previous loop's candidate: the pattern upsampled into a fresh float image at full size, then applied. */
function candidate(): RgbImage {
  const { gy, gx, theta } = pattern();
  const delta = upsample(theta, axisBasis(512, gy), axisBasis(512, gx));
  return applyScaled(source, delta, want / rms(delta), undefined, GREY_GAINS).image;
}

/** `batch` candidates from the builder into reused buffers (to be hashed). */
function builderLoop(builder: CandidateBuilder, batch: number): () => RgbImage[] {
  const buffers = Array.from({ length: batch }, () => new Uint8Array(builder.source.data.length));
  return () => buffers.map((b) => builder.build(pattern(), want * want, b).image);
}

/** The evasion search's loop: `batch` patterns' hashes through the oracle's pattern queries. */
function searchLoop(oracle: HashOracle, builder: CandidateBuilder, batch: number): () => Promise<unknown> {
  const buffers = Array.from({ length: batch }, () => new Uint8Array(builder.source.data.length));
  return () =>
    oracle.patternHashes(
      builder,
      Array.from({ length: batch }, () => pattern()),
      want * want,
      buffers,
    );
}

/** The same loop with the builder's JavaScript passes (SCANLAB_NO_WASM=1 while building, not while hashing). */
function javascriptBuilds(loop: () => RgbImage[]): () => RgbImage[] {
  return () => {
    const before = process.env.SCANLAB_NO_WASM;
    process.env.SCANLAB_NO_WASM = '1';
    try {
      return loop();
    } finally {
      if (before === undefined) delete process.env.SCANLAB_NO_WASM;
      else process.env.SCANLAB_NO_WASM = before;
    }
  };
}

/**
 * Queries per second of `fn` over about `seconds` (after one warm-up call; `per` queries per call): per second of
 * this process's CPU time (user + system, so a busy machine's other work does not count: what one core of its own
 * would give), and per second of wall time.
 */
async function rate(fn: () => Promise<unknown>, per = 1): Promise<number> {
  await fn();
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < seconds * 1000) {
    await fn();
    n += per;
  }
  const cpu = process.cpuUsage(c0);
  walls.push(n / ((performance.now() - t0) / 1000));
  return n / ((cpu.user + cpu.system) / 1e6);
}
let walls: number[] = [];
const sides: number[] = [];
/** Wall-clock q/s of the search loop at the working size and at 512 px, per hasher. */
const searchWalls: string[] = [];

const loadBefore = fmt(loadavg()[0]!, 1);
const jpeg = await encodeJpeg(candidate());
const ready = Array.from({ length: 8 }, candidate);
const rows = [
  [
    'hasher',
    'search loop (working size)',
    'same, JavaScript builder',
    'search loop q/s (512 px)',
    'build then hash q/s (512 px)',
    'older loop q/s',
    'decode file + hash q/s',
    'hash alone q/s (512 px)',
    'search / JavaScript builder',
    '512 px: search / build then hash',
    'search / older',
    'search / decode',
  ],
];
for (const algo of algos) {
  const hasher = getHasher(algo);
  const batch = algo.startsWith('neural') ? 16 : 1;
  const oracle = new HashOracle(hasher, Number.MAX_SAFE_INTEGER);
  const work = (await workImage(source, workSideFor(algo))).image;
  sides.push(work.width);
  const gains = gainsFor(algo);
  const workBuilder = new CandidateBuilder(work, gains);
  const fullBuilder = new CandidateBuilder(source, gains);
  walls = [];
  const search = await rate(searchLoop(oracle, workBuilder, batch), batch);
  const atWork = javascriptBuilds(builderLoop(workBuilder, batch));
  const javascript = await rate(() => oracle.hashes(atWork()), batch);
  const search512 = await rate(searchLoop(oracle, fullBuilder, batch), batch);
  const atFull = builderLoop(fullBuilder, batch);
  const built512 = await rate(() => oracle.hashes(atFull()), batch);
  searchWalls.push(
    `${algo} ${fmt(walls[0]!, 0)} (working size) and ${fmt(walls[2]!, 0)} (512 px, vs ${fmt(walls[3]!, 0)})`,
  );
  const previous = await rate(() => oracle.hashes(Array.from({ length: batch }, candidate)), batch);
  let k = 0;
  const alone = await rate(() => oracle.hashes(Array.from({ length: batch }, () => ready[k++ % ready.length]!)), batch);
  const viaFile = await rate(async () => hasher.hash(await decodeImage(jpeg)));
  rows.push([
    algo,
    `${fmt(search, 0)} (${sides[sides.length - 1]} px)`,
    fmt(javascript, 0),
    fmt(search512, 0),
    fmt(built512, 0),
    fmt(previous, 0),
    fmt(viaFile, 0),
    fmt(alone, 0),
    fmt(search / javascript, 1),
    fmt(search512 / built512, 2),
    fmt(search / previous, 1),
    fmt(search / viaFile, 1),
  ]);
}
process.stdout.write(
  `512×512 candidates (${file}), ${seconds} s per cell, one thread, each hasher's gains; queries per CPU-second ` +
    `of this process (wall-clock q/s of the search loop: ${searchWalls.join('; ')}; load average ` +
    `${loadBefore} before, ${fmt(loadavg()[0]!, 1)} after)\n`,
);
printTable(rows);

/** Wall-clock rates of the white-box evaluations (with gradient, forward only): GC threads add CPU time. */
const gradientWalls: string[] = [];
const gradientRows = [
  [
    'learned hash',
    'white-box evaluations/s (values + gradient, JavaScript)',
    'forward only, JavaScript',
    'hash of one image, onnxruntime',
    'white-box evaluation / onnxruntime hash',
  ],
];
for (const algo of algos.filter((a) => a.startsWith('neural:'))) {
  const hasher = getHasher(algo) as NeuralHasher;
  const d = differentiableHash(hasher.card);
  if (d instanceof UnsupportedGraphError) {
    gradientRows.push([algo, `no differentiable form (${d.message})`, '', '', '']);
    continue;
  }
  const pixels = await hasher.prepare(source);
  const { source: from, gain, bias } = tensorMap(hasher.card);
  const tensor = Float64Array.from(from, (k, e) => pixels[k]! * gain[e]! + bias[e]!);
  const weights = Float64Array.from({ length: hasher.card.output.size }, () => prng.nextNormal());
  walls = [];
  const both = await rate(async () => d.model.run(tensor).gradient(weights));
  const forward = await rate(async () => d.model.run(tensor));
  const onnx = await rate(async () => hasher.hash(source));
  gradientRows.push([algo, fmt(both, 2), fmt(forward, 2), fmt(onnx, 0), fmt(both / onnx, 4)]);
  gradientWalls.push(`${algo} ${fmt(walls[0]!, 2)} and ${fmt(walls[1]!, 2)}`);
}
if (gradientRows.length > 1) {
  process.stdout.write(
    '\nwhite-box gradients of learned hashes on the same 512-px image, per CPU-second of this process (wall-clock ' +
      `evaluations/s with gradient and forward only: ${gradientWalls.join('; ')})\n`,
  );
  printTable(gradientRows);
}
