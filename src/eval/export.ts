// Flat rows of a stored run for `scanlab runs export`: one row per measured value, ready for CSV or JSON Lines.
import type { FprSummary } from './fpr.js';
import type { HashUnitResult } from './hash-unit.js';
import type { RobustnessUnitResult } from './robustness-unit.js';
import { ROBUSTNESS_TABLE } from './robustness.js';
import { FPR_HASH_TABLE } from './fpr.js';
import type { StoredPhotoResult } from './psi-run.js';
import { StoreError, type RunStore } from './store.js';

export type ExportRow = Record<string, string | number | null>;

/**
 * Robustness: item, transform, algo, hashes, distance. FPR: the histogram (`what = 'histogram'`) or the hashes. PSI:
 * one row per photo (its id in the queries list, account, matched, revealed, withheld by design).
 */
export function exportRows(
  store: RunStore,
  runId: string,
  what: 'results' | 'hashes' | 'histogram' = 'results',
): { columns: string[]; rows: ExportRow[] } {
  const run = store.getRun(runId);
  if (run.kind === 'robustness') {
    const columns = ['run', 'item', 'transform', 'algo', 'original_hash', 'edited_hash', 'distance', 'error'];
    const rows: ExportRow[] = [];
    for (const { value: u } of store.getResults<RobustnessUnitResult>(run.id, ROBUSTNESS_TABLE)) {
      if (u.error)
        rows.push({
          run: run.id,
          item: u.id,
          transform: null,
          algo: null,
          original_hash: null,
          edited_hash: null,
          distance: null,
          error: u.error,
        });
      for (const v of u.variants) {
        if (v.error)
          rows.push({
            run: run.id,
            item: u.id,
            transform: v.transform,
            algo: null,
            original_hash: null,
            edited_hash: null,
            distance: null,
            error: v.error,
          });
        for (const [algo, h] of Object.entries(v.hashes ?? {})) {
          rows.push({
            run: run.id,
            item: u.id,
            transform: v.transform,
            algo,
            original_hash: u.original?.[algo] ?? null,
            edited_hash: h.hash,
            distance: h.distance,
            error: null,
          });
        }
      }
    }
    return { columns, rows };
  }
  if (run.kind === 'fpr') {
    if (what === 'hashes') {
      const columns = ['run', 'item', 'algo', 'hash', 'quality', 'error'];
      const rows = store.getResults<HashUnitResult>(run.id, FPR_HASH_TABLE).flatMap(({ key, value }) =>
        Object.entries(value).map(([algo, h]) => ({
          run: run.id,
          item: key,
          algo,
          hash: h.hash ?? null,
          quality: h.quality ?? null,
          error: h.error ?? null,
        })),
      );
      return { columns, rows };
    }
    const summary = store.getArtifact<FprSummary>(run.id, 'summary');
    if (!summary) throw new StoreError(`run ${run.id} has no summary yet (resume it to finish)`);
    const columns = ['run', 'algo', 'distance', 'pairs', 'sampled'];
    const rows = Object.entries(summary.algos).flatMap(([algo, a]) =>
      a.counts.map((c, d) => ({ run: run.id, algo, distance: d, pairs: c, sampled: a.sampled ? 1 : 0 })),
    );
    return { columns, rows };
  }
  if (run.kind === 'psi') {
    const photos = store.getArtifact<StoredPhotoResult[]>(run.id, 'photos');
    if (!photos)
      throw new StoreError(`run ${run.id} has no per-photo results (a failed run, or one stored before them)`);
    const columns = ['run', 'photo', 'id', 'account', 'matched', 'revealed', 'withheld_by_design'];
    const flag = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);
    const rows = photos.map((p) => ({
      run: run.id,
      photo: p.photo,
      id: p.id,
      account: p.account,
      matched: flag(p.matched),
      revealed: flag(p.revealed),
      withheld_by_design: flag(p.withheldByDesign),
    }));
    return { columns, rows };
  }
  throw new StoreError(`run ${run.id} is a ${run.kind} run, which has no export format yet`);
}
