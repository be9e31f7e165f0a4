// Defences with their price: for each attacked algorithm, the attack's success rate under a defence (dihedral
// matching, a second algorithm, another τ) beside the false-positive rate the defence would have on a stored FPR run
// (unrelated pairs: the histogram for one algorithm, the stored per-item hashes for two).
import { loadDataset } from '../dataset/load.js';
import { clopperPearson } from '../eval/binomial.js';
import { FPR_HASH_TABLE, type FprConfig, type FprSummary } from '../eval/fpr.js';
import { PDQ_DIHEDRAL_ROW } from '../eval/dihedral-fpr.js';
import type { HashUnitResult } from '../eval/hash-unit.js';
import { countAtMost, total } from '../eval/histogram.js';
import { StoreError, type RunStore } from '../eval/store.js';
import { fromHex } from '../hash/bits.js';
import { hamming } from '../hash/hamming.js';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { createPrng } from '../util/prng.js';
import type { AlgoAttackSummary, AttackSummary } from './summary.js';

export interface FprCount {
  readonly k: number;
  readonly n: number;
  readonly lower: number;
  readonly upper: number;
}

export interface DefenceRow {
  readonly algo: string;
  /** `τ=N` (the attack's own, or a defender's other choice), `dihedral`, `either B` (evasion), `both B` (collision). */
  readonly defence: string;
  readonly successes: number;
  readonly n: number;
  readonly ci: readonly [number, number];
  /** False positives of the defended matcher on the FPR run's unrelated pairs; null where the run cannot tell. */
  readonly fpr: FprCount | null;
  /** The same for the undefended matcher (the attack's τ, this algorithm alone). */
  readonly fprBaseline: FprCount | null;
  readonly note?: string;
}

/** Pairs enumerated for two-algorithm rules before switching to a seeded sample of this many. */
const MAX_PAIRS = 2_000_000;

function count(k: number, n: number): FprCount | null {
  if (n === 0) return null;
  const p = clopperPearson(k, n);
  return { k, n, lower: p.lower, upper: p.upper };
}

/** Per-item hashes and groups of an FPR run, to count unrelated pairs under a rule on two algorithms. */
interface PairSource {
  readonly items: readonly {
    readonly id: string;
    readonly group: string;
    readonly hashes: ReadonlyMap<string, Hash>;
  }[];
  /** Pairs the run left out as duplicates across groups (`a\0b`, both orders), as its histograms do. */
  readonly excluded: ReadonlySet<string>;
}

async function pairSource(store: RunStore, runId: string, fpr: FprSummary): Promise<PairSource> {
  const config = store.getRun(runId).config as Partial<FprConfig>;
  const groups = new Map<string, string>();
  try {
    for (const i of (await loadDataset(config.dataset ?? '')).items) groups.set(i.id, i.group);
  } catch {
    // The dataset moved: every item is then its own group, which can only add pairs.
  }
  // As the run's histograms: images below the minimum quality are left out for hashes with a quality score.
  const minQuality = config.minQuality ?? 0;
  const items = store.getResults<HashUnitResult>(runId, FPR_HASH_TABLE).map(({ key, value }) => {
    const hashes = new Map<string, Hash>();
    for (const [algo, r] of Object.entries(value)) {
      const h = getHasher(algo);
      if (!r.hash || (h.hasQuality && (r.quality ?? 100) < minQuality)) continue;
      hashes.set(algo, fromHex(h.id, h.nbits, r.hash));
    }
    return { id: key, group: groups.get(key) ?? key, hashes };
  });
  const excluded = new Set(
    config.keepDuplicates ? [] : fpr.duplicates.flatMap((d) => [`${d.a}\0${d.b}`, `${d.b}\0${d.a}`]),
  );
  return { items, excluded };
}

/** Unrelated pairs (different groups) where `rule` holds, over all pairs or a seeded sample. */
function pairCount(
  src: PairSource,
  a: string,
  b: string,
  rule: (ha: Hash, hb: Hash, a2: Hash, b2: Hash) => boolean,
): FprCount | null {
  const items = src.items.filter((i) => i.hashes.has(a) && i.hashes.has(b));
  const m = items.length;
  const all = (m * (m - 1)) / 2;
  let k = 0;
  let n = 0;
  const visit = (x: number, y: number): void => {
    const p = items[x]!;
    const q = items[y]!;
    if (p.group === q.group || src.excluded.has(`${p.id}\0${q.id}`)) return;
    n++;
    if (rule(p.hashes.get(a)!, p.hashes.get(b)!, q.hashes.get(a)!, q.hashes.get(b)!)) k++;
  };
  if (all <= MAX_PAIRS) {
    for (let x = 0; x < m; x++) for (let y = x + 1; y < m; y++) visit(x, y);
  } else {
    const prng = createPrng(1);
    for (let s = 0; s < MAX_PAIRS; s++) {
      const x = prng.nextInt(m);
      const y = prng.nextInt(m - 1);
      visit(x, y >= x ? y + 1 : y);
    }
  }
  return count(k, n);
}

function rowsFor(
  kind: 'evade' | 'collide',
  algo: string,
  a: AlgoAttackSummary,
  thresholds: Readonly<Record<string, number>>,
  fpr: FprSummary,
  pairs: PairSource,
): DefenceRow[] {
  const hist = fpr.algos[algo];
  const fprAt = (t: number): FprCount | null => (hist ? count(countAtMost(hist, t), total(hist)) : null);
  const base = fprAt(a.tau);
  const row = (defence: string, successes: number, f: FprCount | null, note?: string): DefenceRow => {
    const ci = clopperPearson(successes, a.n);
    return {
      algo,
      defence,
      successes,
      n: a.n,
      ci: [ci.lower, ci.upper],
      fpr: f,
      fprBaseline: base,
      ...(note ? { note } : {}),
    };
  };
  const sumDist = (pred: (d: number) => boolean): number => a.distances.reduce((s, c, d) => s + (pred(d) ? c : 0), 0);
  const rows = [row(`τ=${a.tau}`, a.successes, base)];
  if (kind === 'evade') {
    for (const f of [1.25, 1.5, 2]) {
      const t = Math.round(a.tau * f);
      rows.push(
        row(
          `τ=${t}`,
          sumDist((d) => d > t),
          fprAt(t),
        ),
      );
    }
    const dihedral = algo === 'pdq' ? fpr.algos[PDQ_DIHEDRAL_ROW] : undefined;
    rows.push(
      dihedral
        ? row('dihedral', a.dihedralSuccesses, count(countAtMost(dihedral, a.tau), total(dihedral)))
        : row('dihedral', a.dihedralSuccesses, null, 'not in an FPR run (at most 8× the τ row, union bound)'),
    );
    for (const [other, w] of Object.entries(a.withOther)) {
      const tb = thresholds[other] ?? 0;
      const f = pairCount(pairs, algo, other, (pa, pb, qa, qb) => hamming(pa, qa) <= a.tau || hamming(pb, qb) <= tb);
      rows.push(
        row(`either ${other}`, w.successes, f, f ? undefined : `the FPR run has no ${algo} and ${other} hashes`),
      );
    }
  } else {
    for (const f of [0.75, 0.5]) {
      const t = Math.floor(a.tau * f);
      rows.push(
        row(
          `τ=${t}`,
          sumDist((d) => d <= t),
          fprAt(t),
          'a lower τ also loses edited copies (see robustness)',
        ),
      );
    }
    for (const [other, w] of Object.entries(a.withOther)) {
      const tb = thresholds[other] ?? 0;
      const f = pairCount(pairs, algo, other, (pa, pb, qa, qb) => hamming(pa, qa) <= a.tau && hamming(pb, qb) <= tb);
      rows.push(row(`both ${other}`, w.successes, f, f ? undefined : `the FPR run has no ${algo} and ${other} hashes`));
    }
  }
  return rows;
}

/** The defence table of a stored attack run against a stored FPR run. */
export async function attackDefences(store: RunStore, attackRun: string, fprRun: string): Promise<DefenceRow[]> {
  const run = store.getRun(attackRun);
  const summary = store.getArtifact<AttackSummary>(run.id, 'summary');
  if (!summary) throw new StoreError(`run ${run.id} has no summary yet`);
  const f = store.getRun(fprRun);
  if (f.kind !== 'fpr') throw new StoreError(`run ${f.id} is a ${f.kind} run, not an FPR run`);
  const fpr = store.getArtifact<FprSummary>(f.id, 'summary');
  if (!fpr) throw new StoreError(`FPR run ${f.id} has no summary (did it finish?)`);
  const pairs = await pairSource(store, f.id, fpr);
  const thresholds = Object.fromEntries(Object.entries(summary.algorithms).map(([k, v]) => [k, v.tau]));
  return Object.entries(summary.algorithms).flatMap(([algo, a]) =>
    rowsFor(summary.kind, algo, a, thresholds, fpr, pairs),
  );
}
