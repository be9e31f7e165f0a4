// Per-algorithm summary of an attack run: success rate with its 95% interval, queries, distortion and time of the
// successes, success against query budget and against PSNR (the report's curves), and the distances of successes.
import { clopperPearson } from '../eval/binomial.js';
import type { AlgoOutcome, AttackUnitResult } from './unit.js';

export interface CurvePoint {
  readonly x: number;
  readonly successes: number;
}

export interface AlgoAttackSummary {
  readonly tau: number;
  /** Images attacked (errors left out). */
  readonly n: number;
  readonly successes: number;
  readonly errors: number;
  readonly successRate: number;
  /** Clopper–Pearson 95% interval of the success rate. */
  readonly ci: readonly [number, number];
  /** Over successes; null when there are none. */
  readonly queriesMedian: number | null;
  readonly queriesP90: number | null;
  readonly psnrMedian: number | null;
  readonly ssimMedian: number | null;
  readonly linfMedian: number | null;
  /** Mean wall-clock seconds per attacked image (successes and failures). */
  readonly secondsPerImage: number | null;
  /** Successes within each query budget (an attack stopped at that budget would have had them). */
  readonly byBudget: readonly CurvePoint[];
  /** Successes whose upload has at least this PSNR. */
  readonly byPsnr: readonly CurvePoint[];
  /** counts[d]: successes whose final distance is d (evasion: to the original; collision: to the target). */
  readonly distances: readonly number[];
  /** Successes that survive dihedral matching (evasion: every rotation/flip still above τ). */
  readonly dihedralSuccesses: number;
  /** Per other algorithm B: successes that also hold under B (evasion: B evaded too; collision: B collides too), and the n. */
  readonly withOther: Readonly<Record<string, { readonly n: number; readonly successes: number }>>;
  /** Per item kind (the dataset's `kind`, e.g. photo/art/graphic; `unlabelled` without one), when any item has one. */
  readonly byKind?: Readonly<Record<string, KindSuccess>>;
  /** Evasion: the failures the reach figures explain (see `EvasionReach`). */
  readonly reach?: ReachSummary;
}

/**
 * What the reach figures say of an evasion run at its PSNR floor: images whose own re-encode already costs more,
 * images that no attack could evade there (the linear model's bound below the floor), images whose least change
 * found in the model falls below it, and the success among the images not ruled out by each.
 */
export interface ReachSummary {
  /** Images attacked that have the figures. */
  readonly n: number;
  /** Images whose own upload (JPEG re-encode) lies below the floor: out of reach of any evasion, whatever the hash. */
  readonly reencodeBelow: number;
  /** Images whose bound lies below the floor: out of reach of any attack (in the model; hashers with a bound). */
  readonly outOfReach: number;
  /** Images whose least change (for hashers without a model: the re-encode alone) lies below the floor. */
  readonly beyondLeastChange: number;
  /** Success among the images the bound does not rule out. */
  readonly withinBound: KindSuccess;
  /** Success among the images whose least change (or re-encode) keeps the floor. */
  readonly withinLeastChange: KindSuccess;
}

/** Success among the images of one kind, with its Clopper–Pearson 95% interval. */
export interface KindSuccess {
  readonly n: number;
  readonly successes: number;
  readonly ci: readonly [number, number];
}

export interface AttackSummary {
  readonly kind: 'evade' | 'collide';
  readonly items: number;
  readonly failedItems: readonly { readonly id: string; readonly error: string }[];
  readonly algorithms: Readonly<Record<string, AlgoAttackSummary>>;
}

const BUDGETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
const PSNRS = [20, 25, 30, 32, 34, 36, 38, 40, 45, 50];

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The median as the mean of the two middle values for even counts. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function successAmong(outcomes: readonly AlgoOutcome[]): KindSuccess {
  const successes = outcomes.filter((o) => o.status === 'success').length;
  const ci = outcomes.length === 0 ? { lower: 0, upper: 1 } : clopperPearson(successes, outcomes.length);
  return { n: outcomes.length, successes, ci: [ci.lower, ci.upper] };
}

/** The reach summary of an evasion run at PSNR floor `minPsnr`, or undefined when no outcome has reach figures. */
export function summariseReach(outcomes: readonly AlgoOutcome[], minPsnr: number): ReachSummary | undefined {
  const modelled = outcomes.flatMap((o) => (o.status !== 'error' && o.reach ? [{ o, reach: o.reach }] : []));
  if (modelled.length === 0) return undefined;
  const boundOk = modelled.filter(({ reach }) => !(reach.boundPsnr !== undefined && reach.boundPsnr < minPsnr));
  const leastOk = modelled.filter(({ reach }) => (reach.leastChangePsnr ?? reach.uploadPsnr) >= minPsnr);
  return {
    n: modelled.length,
    reencodeBelow: modelled.filter(({ reach }) => reach.uploadPsnr < minPsnr).length,
    outOfReach: modelled.length - boundOk.length,
    beyondLeastChange: modelled.length - leastOk.length,
    withinBound: successAmong(boundOk.map(({ o }) => o)),
    withinLeastChange: successAmong(leastOk.map(({ o }) => o)),
  };
}

export function summariseAlgo(
  kind: 'evade' | 'collide',
  tau: number,
  nbits: number,
  outcomes: readonly AlgoOutcome[],
  thresholds: Readonly<Record<string, number>>,
  maxQueries: number,
): AlgoAttackSummary {
  const attempted = outcomes.flatMap((o) => (o.status === 'error' ? [] : [o]));
  const wins = outcomes.flatMap((o) => (o.status === 'success' ? [o] : []));
  const n = attempted.length;
  // No image attempted (an empty shard, or every attempt an error): the interval says nothing, [0, 1].
  const ci = n === 0 ? { lower: 0, upper: 1 } : clopperPearson(wins.length, n);
  const distances = new Array<number>(nbits + 1).fill(0);
  for (const w of wins) distances[w.distance] = (distances[w.distance] ?? 0) + 1;
  const withOther: Record<string, { n: number; successes: number }> = {};
  for (const w of wins) {
    for (const [other, d] of Object.entries(w.others)) {
      const t = thresholds[other] ?? 0;
      const entry = (withOther[other] ??= { n: 0, successes: 0 });
      entry.n++;
      if (kind === 'evade' ? d > t : d <= t) entry.successes++;
    }
  }
  const seconds = attempted.map((o) => o.seconds);
  return {
    tau,
    n,
    successes: wins.length,
    errors: outcomes.length - n,
    successRate: n === 0 ? 0 : wins.length / n,
    ci: [ci.lower, ci.upper],
    queriesMedian: median(wins.map((w) => w.queries)),
    queriesP90: quantile(
      wins.map((w) => w.queries),
      0.9,
    ),
    psnrMedian: median(wins.map((w) => w.psnr)),
    ssimMedian: median(wins.map((w) => w.ssim)),
    linfMedian: median(wins.map((w) => w.linf)),
    secondsPerImage: n === 0 ? null : seconds.reduce((a, b) => a + b, 0) / n,
    byBudget: BUDGETS.filter((b) => b <= maxQueries).map((x) => ({
      x,
      successes: wins.filter((w) => w.queries <= x).length,
    })),
    byPsnr: PSNRS.map((x) => ({ x, successes: wins.filter((w) => w.psnr >= x).length })),
    distances,
    dihedralSuccesses: wins.filter((w) => (kind === 'evade' ? w.dihedralDistance > tau : true)).length,
    withOther,
  };
}

/** Successes of one algorithm per item kind, or undefined when no item of the run has a kind. */
export function successByKind(
  units: readonly AttackUnitResult[],
  algo: string,
): Readonly<Record<string, KindSuccess>> | undefined {
  if (!units.some((u) => u.kind !== undefined)) return undefined;
  const counts = new Map<string, { n: number; successes: number }>();
  for (const u of units) {
    const outcome = u.algos[algo];
    if (!outcome || outcome.status === 'error') continue;
    const entry = counts.get(u.kind ?? 'unlabelled') ?? { n: 0, successes: 0 };
    entry.n++;
    if (outcome.status === 'success') entry.successes++;
    counts.set(u.kind ?? 'unlabelled', entry);
  }
  const out: Record<string, KindSuccess> = {};
  for (const [k, { n, successes }] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const ci = clopperPearson(successes, n);
    out[k] = { n, successes, ci: [ci.lower, ci.upper] };
  }
  return out;
}

export function summariseAttack(
  kind: 'evade' | 'collide',
  units: readonly AttackUnitResult[],
  algos: readonly { readonly id: string; readonly nbits: number }[],
  thresholds: Readonly<Record<string, number>>,
  maxQueries: number,
  minPsnr = 0,
): AttackSummary {
  const failedItems = units.flatMap((u) => (u.error === undefined ? [] : [{ id: u.id, error: u.error }]));
  const algorithms: Record<string, AlgoAttackSummary> = {};
  for (const { id, nbits } of algos) {
    const outcomes = units.flatMap((u) => (u.algos[id] ? [u.algos[id]] : []));
    const byKind = successByKind(units, id);
    const summary = summariseAlgo(kind, thresholds[id] ?? 0, nbits, outcomes, thresholds, maxQueries);
    const reach = kind === 'evade' ? summariseReach(outcomes, minPsnr) : undefined;
    algorithms[id] = { ...summary, ...(byKind ? { byKind } : {}), ...(reach ? { reach } : {}) };
  }
  return { kind, items: units.length, failedItems, algorithms };
}
