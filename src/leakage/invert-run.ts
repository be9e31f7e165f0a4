// `leakage invert` as a stored run: prepare the dataset's images, run the inversion study, write each reconstruction
// and a contact sheet, and store the summary (with the sheet) so that reports can show it.
import { join } from 'node:path';
import { completeRun, prepareRun } from '../eval/experiment.js';
import type { RunStore } from '../eval/store.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDir } from '../util/make-dir.js';
import { algoDirName, contactSheet, encodePng, picturePng } from './contact-sheet.js';
import { runInversionStudy, type InversionMethod, type InversionStudyResult } from './inversion-study.js';
import { hasherIds, prepareStudyImages } from './study-images.js';

export const INVERSION_RUN_KIND = 'leakage-invert';

export interface InvertRunConfig {
  readonly dataset: string;
  readonly algos: readonly string[];
  readonly candidates: readonly number[];
  readonly seed: number;
  readonly folds: number;
  /** Search steps per image for hashes without an analytic inverse. */
  readonly steps: number;
  /** Edited training views per image for the learned inverse. */
  readonly views: number;
  /** Rows of the contact sheet. */
  readonly sheetRows: number;
}

export const DEFAULT_INVERT_CONFIG = { folds: 5, steps: 300, views: 10, sheetRows: 12, seed: 1 } as const;

/** The stored contact sheet: a PNG and what its rows and columns are. */
export interface ContactSheetArtifact {
  readonly pngBase64: string;
  readonly rows: readonly string[];
  /** `original`, then `ALGO (method)` per column. */
  readonly columns: readonly string[];
}

export interface InvertRunOutput {
  readonly runId: string;
  readonly synthetic: boolean;
  readonly result: InversionStudyResult;
  readonly files: readonly string[];
}

export async function runInversionExperiment(
  store: RunStore,
  config: InvertRunConfig,
  options: { readonly out?: string; readonly name?: string; readonly onProgress?: (what: string) => void },
): Promise<InvertRunOutput> {
  const prepared = await prepareRun(INVERSION_RUN_KIND, config, {
    store,
    ...(options.name ? { name: options.name } : {}),
  });
  return completeRun(store, prepared.run.id, async () => {
    const images = await prepareStudyImages(prepared.dataset, {
      algos: config.algos,
      seed: config.seed,
      views: config.views,
      onProgress: (done, total) => options.onProgress?.(`images ${done}/${total}`),
    });
    const ids = hasherIds(config.algos);
    const { result, reconstructions } = await runInversionStudy(images, ids, config, (a) =>
      options.onProgress?.(`inverting ${a}`),
    );
    const primaryOf = new Map(result.algorithms.map((a) => [a.algo, a.primary] as const));
    const pick = (algo: string, i: number, method: InversionMethod = primaryOf.get(algo) ?? 'learned') =>
      reconstructions.get(algo)?.get(method)?.get(i);
    const sheetIndexes = [...new Set(images.map((img) => img.group))]
      .map((g) => images.findIndex((img) => img.group === g))
      .filter((i) => ids.some((a) => pick(a, i)))
      .slice(0, config.sheetRows);
    // Per algorithm the picture (analytic, else learned: what the photo looks like), then the primary inverse when it
    // differs (the whitened ones re-identify better but look like edge maps).
    const sheetColumns = ids.flatMap((a) => {
      const picture: InversionMethod = reconstructions.get(a)?.has('analytic') ? 'analytic' : 'learned';
      const primary = primaryOf.get(a) ?? picture;
      return (primary === picture ? [picture] : [picture, primary]).map((method) => ({ algo: a, method }));
    });
    const columns = ['original', ...sheetColumns.map((c) => `${c.algo} (${c.method})`)];
    const sheet = await encodePng(
      contactSheet(
        sheetIndexes.map((i) => [images[i]!.thumbnail, ...sheetColumns.map((c) => pick(c.algo, i, c.method))]),
      ),
    );
    const artifact: ContactSheetArtifact = {
      pngBase64: sheet.toString('base64'),
      rows: sheetIndexes.map((i) => images[i]!.id),
      columns,
    };
    store.putResults(
      prepared.run.id,
      'reidentification',
      result.algorithms.flatMap((a) =>
        Object.values(a.methods).flatMap((m) =>
          Object.values(m.byCandidates).map((r) => ({ key: `${a.algo}|${m.method}|${r.candidates}`, value: r })),
        ),
      ),
    );
    store.putArtifact(prepared.run.id, 'summary', { ...result, synthetic: prepared.dataset.synthetic });
    store.putArtifact(prepared.run.id, 'contact-sheet', artifact);
    const files: string[] = [];
    if (options.out) {
      await makeDir(options.out);
      const sheetPath = join(options.out, 'contact-sheet.png');
      await writeFileAtomic(sheetPath, sheet);
      files.push(sheetPath);
      for (const a of ids) {
        const dir = join(options.out, algoDirName(a));
        await makeDir(dir);
        for (const [i, p] of reconstructions.get(a)?.get(primaryOf.get(a) ?? 'learned') ?? []) {
          const path = join(dir, `${algoDirName(images[i]!.id)}.png`);
          await writeFileAtomic(path, await picturePng(p));
          files.push(path);
        }
      }
    }
    return { runId: prepared.run.id, synthetic: prepared.dataset.synthetic, result, files };
  });
}
