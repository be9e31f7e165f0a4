// Benchmark: the near-duplicate PSI variants (ball-expansion, chunked, chunked-tpsi) for PDQ at r = 31 and pHash at
// r = 10 against databases of 10^4..10^6 entries: TPR on the sample's edited copies and FPR on held-out images, each
// against plaintext Hamming matching at the same radius; bytes and CPU milliseconds per photo each way; server setup
// and published size; what each party observes about photos that match nothing. FLPSI (Uzun et al., USENIX Security
// 2021) is the anchor: 10^6 rows, 40.8 MB online per query.
//
//   npm run bench -- fuzzy-psi --store runs.sqlite [--run NAME] [--sizes 10000,100000,1000000] [--photos 3]
//     [--check 0] [--setup-jobs N]
//
// How the numbers are made (printed with them):
// * Decisions are what each protocol computes, evaluated in plaintext over every query: chunked decides exactly
//   "distance ≤ r" (tests prove its crypto equals plaintext Hamming matching), chunked-tpsi decides "≥ k chunks equal
//   some entry's chunk" (tests prove its crypto equals that oracle), ball-expansion is exact where its ball fits the budget.
// * The database is the known half of the sample's groups (originals) plus seeded uniform random hashes up to the size.
//   Positives: the known images' edited copies (a robustness run: 21 edits); negatives: held-out images and their edits.
// * Costs: unit costs measured here (OPRF per element, bit encryption, distance comparison per candidate, chunk
//   voucher, setup per entry) times counts from the plaintext simulation (evaluations, lookup tags, candidates), checked
//   against one real end-to-end run per variant at the smallest size (ratio printed). Setup beyond --max-setup-s is
//   extrapolated from the measured per-entry rate and marked "~".
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fromHex } from '../src/hash/bits.js';
import type { Hash } from '../src/hash/types.js';
import { loadDataset } from '../src/dataset/load.js';
import { DEFAULT_STORE, RunStore } from '../src/eval/store.js';
import { ROBUSTNESS_TABLE } from '../src/eval/robustness.js';
import type { RobustnessUnitResult } from '../src/eval/robustness-unit.js';
import { bloomParams } from '../src/psi/bloom.js';
import { createGroup } from '../src/psi/group/create.js';
import { psiInput } from '../src/psi/hash-input.js';
import { oprfBlind, oprfBlindEvaluate, oprfEvaluate, oprfFinalize, oprfSuite } from '../src/psi/oprf.js';
import { runParties } from '../src/psi/protocols/driver.js';
import {
  DistanceEvaluator,
  elgamalKey,
  encryptBits,
  encryptsZero,
  fuzzyGenerator,
} from '../src/psi/protocols/fuzzy/elgamal.js';
import { ballSize, chunkRanges, type ChunkRange } from '../src/psi/protocols/fuzzy/hash-bits.js';
import { DEFAULT_FUZZY_PARAMS, chunkRadius, type FuzzyParams } from '../src/psi/protocols/fuzzy/params.js';
import { createFuzzyParties, type FuzzyProtocolName } from '../src/psi/protocols/fuzzy/session.js';
import { cuckooTableSize } from '../src/psi/protocols/tpsi-ad/cuckoo.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { groupWithRandom, runRandomness } from '../src/psi/random.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const storePath = argValue('store') ?? DEFAULT_STORE;
const sizes = (argValue('sizes') ?? '10000,100000,1000000').split(',').map(Number);
const measuredPhotos = Number(argValue('photos') ?? 3);
const maxSetupMs = Number(argValue('max-setup-s') ?? 60) * 1000;
/** `--check 0` skips the real end-to-end runs that check the cost model (the slow part on a busy machine). */
const check = argValue('check') !== '0';
/** `--setup-jobs N` (N ≥ 2) also times each chunked variant's real server setup at the smallest size on N workers. */
const setupJobs = Number(argValue('setup-jobs') ?? 0);
const FPR = 1e-6;
const FLPSI_BYTES = 40.8e6;
const ELEMENT = 32;

interface AlgoSetup {
  readonly algo: 'pdq' | 'phash';
  readonly nbits: number;
  readonly r: number;
  /** chunked: m; chunked-tpsi: m and k. */
  readonly chunked: FuzzyParams;
  readonly tpsi: FuzzyParams;
}
const SETUPS: AlgoSetup[] = [
  {
    algo: 'pdq',
    nbits: 256,
    r: 31,
    chunked: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 31, chunks: 8 },
    tpsi: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 31, chunks: 8, minChunks: 2 },
  },
  {
    algo: 'phash',
    nbits: 64,
    r: 10,
    chunked: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 10, chunks: 3 },
    tpsi: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 10, chunks: 2, minChunks: 1 },
  },
];

const cpuMs = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

// ---- data: a stored robustness run ---------------------------------------------------------------------------------
const store = RunStore.openExisting(storePath);
const run = argValue('run')
  ? store.getRun(argValue('run')!)
  : store
      .listRuns()
      .filter((r) => r.kind === 'robustness' && r.status === 'done')
      .at(-1);
if (!run) throw new Error(`no finished robustness run in ${storePath} (scanlab bench robustness --algo pdq,phash)`);
const runConfig = run.config as { dataset: string };
const dataset = await loadDataset(runConfig.dataset);
const groupOf = new Map(dataset.items.map((i) => [i.id, i.group]));
const groups = [...new Set(dataset.items.map((i) => i.group))].sort();
const known = new Set(groups.filter((_, i) => i % 2 === 0));
const units = store.rawResults(run.id, ROBUSTNESS_TABLE).map((r) => JSON.parse(r.value) as RobustnessUnitResult);
store.close();

interface Sample {
  readonly originals: Hash[];
  readonly positives: Hash[];
  readonly negatives: Hash[];
}
function sampleOf(a: AlgoSetup): Sample {
  const out: Sample = { originals: [], positives: [], negatives: [] };
  for (const u of units) {
    const hex = u.original?.[a.algo];
    if (!hex) continue;
    const original = fromHex(a.algo, a.nbits, hex);
    const edits = u.variants.flatMap((v) => {
      const h = v.hashes?.[a.algo]?.hash;
      return h ? [fromHex(a.algo, a.nbits, h)] : [];
    });
    if (known.has(groupOf.get(u.id) ?? '')) {
      out.originals.push(original);
      out.positives.push(...edits);
    } else out.negatives.push(original, ...edits);
  }
  return out;
}

// ---- plaintext simulation: chunk tables over the database -----------------------------------------------------------
/** Bits [start, start + width) of a hash as an unsigned integer (width ≤ 32). */
function chunkValue(h: Hash, c: ChunkRange): number {
  const pad = h.bits.length * 8 - h.nbits;
  let v = 0;
  for (let i = 0; i < c.width; i++) {
    const p = pad + c.start + i;
    v = v * 2 + ((h.bits[p >>> 3]! >>> (7 - (p & 7))) & 1);
  }
  return v;
}

/** Open addressing, value → first entry (entries with equal chunk values chained through `next`). */
class ChunkTable {
  private readonly keys: Float64Array;
  private readonly heads: Int32Array;
  readonly next: Int32Array;
  distinct = 0;
  constructor(entries: number) {
    let size = 1;
    while (size < entries * 2) size <<= 1;
    this.keys = new Float64Array(size).fill(-1);
    this.heads = new Int32Array(size).fill(-1);
    this.next = new Int32Array(entries).fill(-1);
  }
  private slot(v: number): number {
    const mask = this.keys.length - 1;
    let s = Math.imul(v >>> 0, 0x9e3779b1) & mask;
    while (this.keys[s] !== -1 && this.keys[s] !== v) s = (s + 1) & mask;
    return s;
  }
  add(v: number, entry: number): void {
    const s = this.slot(v);
    if (this.keys[s] === -1) {
      this.keys[s] = v;
      this.distinct++;
    } else this.next[entry] = this.heads[s]!;
    this.heads[s] = entry;
  }
  first(v: number): number {
    const s = this.slot(v);
    return this.keys[s] === v ? this.heads[s]! : -1;
  }
}

function masksOf(width: number, radius: number): number[] {
  const out: number[] = [];
  const visit = (mask: number, lowest: number, left: number): void => {
    if (left === 0) return void out.push(mask);
    for (let b = lowest; b <= width - left; b++) visit(mask + 2 ** b, b + 1, left - 1);
  };
  for (let d = 0; d <= radius; d++) visit(0, 0, d);
  return out;
}

const xor = (a: number, b: number): number => (a ^ b) >>> 0;
const POP = Uint8Array.from({ length: 256 }, (_, v) => [...v.toString(2)].filter((c) => c === '1').length);
function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POP[a[i]! ^ b[i]!]!;
  return d;
}

interface PhotoCounts {
  /** Plaintext Hamming ≤ r against the whole database. */
  plain: boolean;
  /** chunked: OPRF outputs the filter holds (lookup tags) and distinct candidate entries. */
  tags: number;
  candidates: number;
  /** chunked-tpsi: chunks whose exact value is some entry's chunk. */
  chunksOpen: number;
}

function simulate(a: AlgoSetup, database: readonly Hash[], queries: readonly Hash[]): PhotoCounts[] {
  const ranges = chunkRanges(a.nbits, a.chunked.chunks);
  const tables = ranges.map(() => new ChunkTable(database.length));
  database.forEach((y, i) => ranges.forEach((c, j) => tables[j]!.add(chunkValue(y, c), i)));
  const masks = ranges.map((c) => masksOf(c.width, chunkRadius(a.chunked)));
  const tRanges = chunkRanges(a.nbits, a.tpsi.chunks);
  const tTables = tRanges.map((c) => {
    const t = new ChunkTable(database.length);
    database.forEach((y, i) => t.add(chunkValue(y, c), i));
    return t;
  });
  const seen = new Uint32Array(database.length);
  let stamp = 0;
  return queries.map((x) => {
    stamp++;
    let tags = 0;
    let candidates = 0;
    let plain = false;
    ranges.forEach((c, j) => {
      const v = chunkValue(x, c);
      for (const m of masks[j]!) {
        let e = tables[j]!.first(xor(v, m));
        if (e >= 0) tags++;
        for (; e >= 0; e = tables[j]!.next[e]!) {
          if (seen[e] === stamp) continue;
          seen[e] = stamp;
          candidates++;
          if (!plain && distance(x.bits, database[e]!.bits) <= a.r) plain = true;
        }
      }
    });
    const chunksOpen = tRanges.filter((c, j) => tTables[j]!.first(chunkValue(x, c)) >= 0).length;
    return { plain, tags, candidates, chunksOpen };
  });
}

// ---- unit costs (CPU ms), measured here --------------------------------------------------------------------------------
const group = await createGroup('ristretto255', 'sodium');
const suite = oprfSuite(group);
const rand = createPrng(0x19f);
const unitInputs = Array.from({ length: 200 }, () => randomBytesFrom(rand, 40));
const key = group.randomScalar();
const blinded = unitInputs.map((x) => oprfBlind(suite, x));
let evaluated: ReturnType<typeof oprfBlindEvaluate>[] = [];
const oprfServerMs = cpuMs(() => (evaluated = blinded.map((b) => oprfBlindEvaluate(suite, key, b.blinded)))) / 200;
const oprfClientMs =
  (cpuMs(() => unitInputs.forEach((x) => oprfBlind(suite, x))) +
    cpuMs(() => unitInputs.forEach((x, i) => oprfFinalize(suite, x, blinded[i]!.blind, evaluated[i]!)))) /
  200;
const setupPerEntryMs = cpuMs(() => unitInputs.forEach((x) => oprfEvaluate(suite, key, x))) / 200;
const gen = fuzzyGenerator(group);
const unitCosts = new Map<number, { encrypt: number; compare: number; decrypt: number }>();
for (const a of SETUPS) {
  const x: Hash = { algo: a.algo, nbits: a.nbits, bits: randomBytesFrom(rand, a.nbits / 8) };
  const k = elgamalKey(group, gen);
  let bits: ReturnType<typeof encryptBits> = [];
  const encrypt = cpuMs(() => (bits = encryptBits(group, gen, k.publicKey, x)));
  const evaluator = new DistanceEvaluator(group, gen, a.nbits, a.r);
  evaluator.compare(bits, x);
  let cts: ReturnType<DistanceEvaluator['compare']> = [];
  const compare =
    cpuMs(() => {
      for (let i = 0; i < 5; i++) cts = evaluator.compare(bits, { ...x, bits: randomBytesFrom(rand, a.nbits / 8) });
    }) / 5;
  const decrypt = cpuMs(() => cts.forEach((ct) => encryptsZero(group, k.secret, ct))) / cts.length;
  unitCosts.set(a.nbits, { encrypt, compare, decrypt });
}
/** chunked-tpsi per photo: independent of the database size, so measured once on a small real run per algorithm. */
const tpsiUnits = new Map<number, { clientMs: number; serverMs: number; setupPerEntryMs: number }>();
for (const a of SETUPS) {
  const db = Array.from({ length: 300 }, () =>
    psiInput({ algo: a.algo, nbits: a.nbits, bits: randomBytesFrom(rand, a.nbits / 8) }),
  );
  const qs = db.slice(0, 4);
  const parties = createFuzzyParties('chunked-tpsi', group, db, qs, {
    fuzzy: a.tpsi,
    falsePositiveRate: FPR,
    tpsi: { ...DEFAULT_TPSI_PARAMS, threshold: 1, syntheticRate: 0 },
    accounts: 1,
  });
  const costs = runParties(parties.client, parties.server, qs.length);
  tpsiUnits.set(a.nbits, {
    clientMs: costs.client.cpuMsPerPhoto,
    serverMs: costs.server.cpuMsPerPhoto,
    setupPerEntryMs: costs.server.setupCpuMs / (300 * a.tpsi.chunks),
  });
}
const scalarMulMs =
  cpuMs(() => {
    let p = gen;
    for (let i = 0; i < 200; i++) p = group.multiply(key, p);
  }) / 200;

// ---- cost models -------------------------------------------------------------------------------------------------------
interface Cost {
  up: number;
  down: number;
  clientMs: number;
  serverMs: number;
}
function chunkedCost(a: AlgoSetup, c: PhotoCounts, evaluations: number): Cost {
  const u = unitCosts.get(a.nbits)!;
  const phase2 = c.tags > 0;
  const width = a.r + 1;
  return {
    up: 11 + ELEMENT * evaluations + (phase2 ? 11 + 16 * c.tags + ELEMENT + 2 * ELEMENT * a.nbits : 0),
    down: 11 + ELEMENT * evaluations + (phase2 ? 10 + 2 * ELEMENT * width * c.candidates : 0),
    clientMs: oprfClientMs * evaluations + (phase2 ? u.encrypt + u.decrypt * width * c.candidates : 0),
    serverMs: oprfServerMs * evaluations + u.compare * c.candidates,
  };
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : 0);
function rate(hits: number, n: number): string {
  if (n === 0) return 'n/a';
  if (hits === 0) return `0/${n} (< ${(3 / n).toExponential(1)})`;
  return `${(hits / n).toFixed(3)} (${hits}/${n})`;
}

// ---- one real end-to-end run per variant at the smallest size, to check the model -------------------------------------
function measuredRun(protocol: FuzzyProtocolName, a: AlgoSetup, database: Hash[], queries: Hash[]) {
  const fuzzy = protocol === 'chunked-tpsi' ? a.tpsi : a.chunked;
  const parties = createFuzzyParties(protocol, group, database.map(psiInput), queries.map(psiInput), {
    fuzzy,
    falsePositiveRate: FPR,
    tpsi: { ...DEFAULT_TPSI_PARAMS, threshold: 1, syntheticRate: 0 },
    accounts: 1,
  });
  return runParties(parties.client, parties.server, queries.length);
}

/**
 * The real server setup of `protocol` over `database` in this thread and on `jobs` workers, same seeded randomness:
 * wall and CPU seconds of each, and whether both published the same bytes.
 */
async function setupOnWorkers(protocol: FuzzyProtocolName, a: AlgoSetup, database: Hash[], jobs: number) {
  const db = database.map(psiInput);
  const serverOf = () => {
    const random = runRandomness(0x19, true);
    return createFuzzyParties(protocol, groupWithRandom(group, random.secret), db, db.slice(0, 1), {
      fuzzy: protocol === 'chunked-tpsi' ? a.tpsi : a.chunked,
      falsePositiveRate: FPR,
      tpsi: DEFAULT_TPSI_PARAMS,
      accounts: 1,
      random,
    }).server;
  };
  const timed = async (f: () => Promise<Uint8Array[]>) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await f();
    const c = process.cpuUsage(c0);
    return { out, wallS: (performance.now() - t0) / 1000, cpuS: (c.user + c.system) / 1e6 };
  };
  const one = await timed(async () => serverOf().prepare());
  const many = await timed(async () => {
    const server = serverOf();
    await server.setupInWorkers(jobs);
    return server.prepare();
  });
  const same = one.out.length === many.out.length && one.out.every((m, i) => Buffer.from(m).equals(many.out[i]!));
  return { one, many, same };
}

// ---- the table --------------------------------------------------------------------------------------------------------
const header = [
  'variant',
  'algo r',
  'DB',
  'TPR (plain)',
  'misses/extras',
  'FPR (plain)',
  'B/photo c→s',
  'B/photo s→c',
  'client ms',
  'server ms',
  'setup s',
  'published MB',
  'server events/non-match',
  'client events/non-match',
  'vs FLPSI bytes',
];
const rows: string[][] = [header];
const checks: string[][] = [
  ['variant', 'algo', 'measured client ms', 'model', 'measured B c→s', 'model', 'measured B s→c', 'model'],
];
const notes: string[] = [];
const setupRows: string[][] = [
  [
    'variant',
    'algo',
    'DB',
    'setup wall s (1 thread)',
    `wall s (${setupJobs} workers)`,
    'speed-up',
    'CPU s (1 / N)',
    'same bytes',
  ],
];
const load0 = loadavg()[0]!;
const wall0 = performance.now();

for (const a of SETUPS) {
  const sample = sampleOf(a);
  const fill = createPrng(0x5eed + a.nbits);
  for (const size of sizes) {
    const database = [
      ...sample.originals,
      ...Array.from({ length: Math.max(0, size - sample.originals.length) }, (): Hash => ({
        algo: a.algo,
        nbits: a.nbits,
        bits: randomBytesFrom(fill, a.nbits / 8),
      })),
    ];
    const t0 = performance.now();
    const pos = simulate(a, database, sample.positives);
    const neg = simulate(a, database, sample.negatives);
    notes.push(`${a.algo} ${size}: simulation ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const plainTp = pos.filter((p) => p.plain).length;
    const plainFp = neg.filter((p) => p.plain).length;
    const tpr = (hits: number): string => `${rate(hits, pos.length)} (${rate(plainTp, pos.length)})`;
    const fpr = (hits: number): string => `${rate(hits, neg.length)} (${rate(plainFp, neg.length)})`;
    const distinct = (m: number): number =>
      chunkRanges(a.nbits, m).reduce((n, c) => {
        const t = new Set<number>();
        for (const y of database) t.add(chunkValue(y, c));
        return n + t.size;
      }, 0);

    // ball-expansion: exact where the ball fits the budget; at these radii it never does.
    const ball = ballSize(a.nbits, a.r);
    rows.push([
      'ball-expansion',
      `${a.algo} ${a.r}`,
      String(size),
      `refused: ${ball.toExponential(2)} OPRF/photo > budget ${DEFAULT_FUZZY_PARAMS.ballBudget}`,
      '',
      '',
      `~${(ball * ELEMENT).toExponential(2)}`,
      `~${(ball * ELEMENT).toExponential(2)}`,
      `~${(ball * oprfClientMs).toExponential(2)}`,
      `~${(ball * oprfServerMs).toExponential(2)}`,
      `~${fmt((size * setupPerEntryMs) / 1000, 1)}`,
      fmt(bloomParams(size, FPR / Math.min(ball, 1e300)).bits / 8 / 1e6, 2),
      '0',
      'hits name entries exactly',
      `~${((2 * ball * ELEMENT) / FLPSI_BYTES).toExponential(1)}×`,
    ]);

    // chunked: exact.
    const ev = chunkRanges(a.nbits, a.chunked.chunks).reduce(
      (n, c) => n + ballSize(c.width, chunkRadius(a.chunked)),
      0,
    );
    const all = [...pos, ...neg];
    const costs = all.map((c) => chunkedCost(a, c, ev));
    const dChunked = distinct(a.chunked.chunks);
    const setupMs = dChunked * setupPerEntryMs;
    const up = mean(costs.map((c) => c.up));
    const down = mean(costs.map((c) => c.down));
    rows.push([
      `chunked m=${a.chunked.chunks} (±${chunkRadius(a.chunked)} bits/chunk)`,
      `${a.algo} ${a.r}`,
      String(size),
      tpr(plainTp),
      '0/0 (exact)',
      fpr(plainFp),
      fmt(up, 0),
      fmt(down, 0),
      fmt(mean(costs.map((c) => c.clientMs)), 1),
      fmt(mean(costs.map((c) => c.serverMs)), 1),
      `${setupMs > maxSetupMs ? '~' : ''}${fmt(setupMs / 1000, 1)}`,
      fmt(bloomParams(dChunked, FPR).bits / 8 / 1e6, 2),
      `${fmt(mean(neg.map((c) => c.candidates)), 2)} candidates (${rate(neg.filter((c) => c.candidates > 0).length, neg.length)} of photos)`,
      `${fmt(mean(neg.map((c) => c.tags)), 2)} chunk values`,
      `${fmt(FLPSI_BYTES / (up + down), 1)}× fewer`,
    ]);

    // chunked-tpsi: ≥ k of m exact chunks.
    const k = a.tpsi.minChunks;
    const tpsiTp = pos.filter((p) => p.chunksOpen >= k).length;
    const tpsiFp = neg.filter((p) => p.chunksOpen >= k).length;
    const misses = pos.filter((p) => p.plain && p.chunksOpen < k).length;
    const extras = [...pos, ...neg].filter((p) => !p.plain && p.chunksOpen >= k).length;
    const dTpsi = distinct(a.tpsi.chunks);
    const voucherBytes = 2 + 1 + 4 + 16 + 1 + a.tpsi.chunks * (2 * (ELEMENT + 48) + 48) + 4 + 454;
    const tu = tpsiUnits.get(a.nbits)!;
    const tpsiClientMs = tu.clientMs;
    const tpsiServerMs = tu.serverMs;
    const tpsiSetupMs = dTpsi * tu.setupPerEntryMs;
    rows.push([
      `chunked-tpsi m=${a.tpsi.chunks} k=${k}`,
      `${a.algo} ${a.r}`,
      String(size),
      tpr(tpsiTp),
      `${misses}/${extras}`,
      fpr(tpsiFp),
      String(voucherBytes),
      '0',
      fmt(tpsiClientMs, 1),
      fmt(tpsiServerMs, 1),
      `${tpsiSetupMs > maxSetupMs ? '~' : ''}${fmt(tpsiSetupMs / 1000, 1)}`,
      fmt((cuckooTableSize(dTpsi, DEFAULT_TPSI_PARAMS.cuckooEpsilon) * ELEMENT) / 1e6, 2),
      `${fmt(mean(neg.map((c) => c.chunksOpen)), 3)} chunks opened`,
      '0',
      `${fmt(FLPSI_BYTES / voucherBytes, 0)}× fewer`,
    ]);

    if (setupJobs >= 2 && size === Math.min(...sizes))
      for (const protocol of ['chunked', 'chunked-tpsi'] as const) {
        const r = await setupOnWorkers(protocol, a, database, setupJobs);
        setupRows.push([
          protocol,
          a.algo,
          String(size),
          fmt(r.one.wallS, 1),
          fmt(r.many.wallS, 1),
          `${fmt(r.one.wallS / r.many.wallS, 2)}×`,
          `${fmt(r.one.cpuS, 1)} / ${fmt(r.many.cpuS, 1)}`,
          r.same ? 'yes' : 'NO',
        ]);
      }
    if (check && size === Math.min(...sizes)) {
      const queries = [...sample.positives.slice(0, measuredPhotos - 1), ...sample.negatives.slice(0, 1)];
      const qc = simulate(a, database, queries);
      for (const protocol of ['chunked', 'chunked-tpsi'] as const) {
        const measured = measuredRun(protocol, a, database, queries);
        const model =
          protocol === 'chunked'
            ? qc.map((c) => chunkedCost(a, c, ev))
            : qc.map(() => ({ up: voucherBytes, down: 0, clientMs: tpsiClientMs, serverMs: tpsiServerMs }));
        checks.push([
          protocol,
          a.algo,
          fmt(measured.client.cpuMsPerPhoto, 1),
          fmt(mean(model.map((m) => m.clientMs)), 1),
          fmt(measured.bytesPerPhoto.clientToServer, 0),
          fmt(mean(model.map((m) => m.up)), 0),
          fmt(measured.bytesPerPhoto.serverToClient, 0),
          fmt(mean(model.map((m) => m.down)), 0),
        ]);
        notes.push(
          `${protocol} ${a.algo} real run at ${size}: setup ${fmt(measured.server.setupCpuMs / 1000, 1)} s CPU, ` +
            `published ${fmt(measured.server.setupBytesSent / 1e6, 2)} MB, server ${fmt(measured.server.cpuMsPerPhoto, 1)} ms/photo`,
        );
      }
    }
  }
}

process.stdout.write(
  `fuzzy-psi: ristretto255/sodium; unit = one scalar multiplication ${fmt(scalarMulMs, 3)} ms CPU; OPRF per element ` +
    `client ${fmt(oprfClientMs, 3)} ms, server ${fmt(oprfServerMs, 3)} ms; setup ${fmt(setupPerEntryMs, 3)} ms/entry; ` +
    `load ${fmt(load0, 1)}→${fmt(loadavg()[0]!, 1)}; ${fmt((performance.now() - wall0) / 1000, 0)} s\n` +
    `robustness run ${run.id} (${units.length} images; known groups ${known.size} of ${groups.length})\n\n`,
);
printTable(rows);
process.stdout.write('\nmodel vs one real end-to-end run (smallest size, CPU ms per photo):\n');
printTable(checks);
for (const a of SETUPS) {
  const u = unitCosts.get(a.nbits)!;
  process.stdout.write(
    `${a.algo}: encrypt ${a.nbits} bits ${fmt(u.encrypt, 1)} ms, compare per candidate ${fmt(u.compare, 1)} ms, ` +
      `decrypt per ciphertext ${fmt(u.decrypt, 3)} ms\n`,
  );
}
process.stdout.write(notes.join('\n') + '\n');
if (setupRows.length > 1) {
  process.stdout.write(
    `\nserver setup in this thread vs ${setupJobs} worker threads (same seed, same published bytes):\n`,
  );
  printTable(setupRows);
}

// ---- the frontier: chunked PDQ r = 31 at 10^6 entries for other m (model: uniform database, measured unit costs) -------
const frontier: string[][] = [
  ['m', '±bits', 'OPRF/photo', 'E[candidates]', 'B/photo total', 'client ms', 'server ms', 'published MB', 'vs FLPSI'],
];
const pdq = SETUPS[0]!;
for (const m of [6, 7, 8, 9, 10, 12, 16, 32]) {
  const fz = { ...pdq.chunked, chunks: m };
  const rho = chunkRadius(fz);
  const ranges = chunkRanges(256, m);
  const evaluations = ranges.reduce((n, c) => n + ballSize(c.width, rho), 0);
  const candidates = ranges.reduce((n, c) => n + (1e6 * ballSize(c.width, rho)) / 2 ** c.width, 0);
  if (evaluations > 5e6) {
    frontier.push([String(m), String(rho), evaluations.toExponential(2), '', 'beyond any budget', '', '', '', '']);
    continue;
  }
  const cost = chunkedCost(
    pdq,
    { plain: false, tags: Math.max(1, Math.round(candidates)), candidates, chunksOpen: 0 },
    evaluations,
  );
  frontier.push([
    String(m),
    String(rho),
    String(evaluations),
    fmt(candidates, 1),
    fmt(cost.up + cost.down, 0),
    fmt(cost.clientMs, 0),
    fmt(cost.serverMs, 0),
    fmt(bloomParams(m * 1e6, FPR).bits / 8 / 1e6, 1),
    `${fmt(FLPSI_BYTES / (cost.up + cost.down), 1)}× fewer`,
  ]);
}
process.stdout.write('\nfrontier, chunked PDQ r = 31 at 10^6 uniform entries (model from the unit costs above):\n');
printTable(frontier);
