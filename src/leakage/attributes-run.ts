// `leakage attributes` as a stored run: hash the dataset once, then predict each label (kind, greyscale vs colour, and
// any manifest column asked for) from each algorithm's bits, cross-validated by group.
import { readFile } from 'node:fs/promises';
import { completeRun, prepareRun } from '../eval/experiment.js';
import type { RunStore } from '../eval/store.js';
import { ManifestError } from '../dataset/manifest.js';
import { attributeLeakage, type AttributeResult } from './attributes.js';
import { hasherIds, prepareStudyImages, type StudyImage } from './study-images.js';

export const ATTRIBUTES_RUN_KIND = 'leakage-attributes';

export interface AttributesRunConfig {
  readonly dataset: string;
  readonly algos: readonly string[];
  /** Manifest columns to predict besides `kind` and `greyscale`. */
  readonly labels: readonly string[];
  readonly folds: number;
  readonly seed: number;
}

export interface AttributesSummary {
  readonly images: number;
  readonly synthetic: boolean;
  readonly results: readonly AttributeResult[];
  /** Labels that could not be studied (fewer than two classes among the images), with the reason. */
  readonly skipped: readonly { readonly label: string; readonly reason: string }[];
}

/** A manifest column's value per item id (strings, numbers and booleans as text). */
async function manifestColumn(source: string, column: string): Promise<Map<string, string>> {
  if (!source.endsWith('.json')) throw new ManifestError(`--label ${column} needs a manifest dataset`, source);
  const json = JSON.parse(await readFile(source, 'utf8')) as { items?: readonly Record<string, unknown>[] };
  const out = new Map<string, string>();
  for (const item of json.items ?? []) {
    const v = item[column];
    if (typeof item.id === 'string' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
      out.set(item.id, String(v));
  }
  if (out.size === 0) throw new ManifestError(`no item has a "${column}" value`, source);
  return out;
}

export async function runAttributesExperiment(
  store: RunStore,
  config: AttributesRunConfig,
  options: { readonly name?: string; readonly onProgress?: (what: string) => void } = {},
): Promise<{ runId: string; summary: AttributesSummary }> {
  const prepared = await prepareRun(ATTRIBUTES_RUN_KIND, config, {
    store,
    ...(options.name ? { name: options.name } : {}),
  });
  return completeRun(store, prepared.run.id, async () => {
    const columns = new Map<string, Map<string, string>>();
    for (const c of config.labels) columns.set(c, await manifestColumn(prepared.dataset.source, c));
    const images = await prepareStudyImages(prepared.dataset, {
      algos: config.algos,
      seed: config.seed,
      views: 0,
      onProgress: (done, total) => options.onProgress?.(`images ${done}/${total}`),
    });
    const labels: [string, (img: StudyImage) => string | undefined][] = [
      ['kind', (img) => img.kind],
      ['greyscale', (img) => (img.greyscale ? 'greyscale' : 'colour')],
      ...[...columns].map(([c, m]): [string, (img: StudyImage) => string | undefined] => [c, (img) => m.get(img.id)]),
    ];
    const results: AttributeResult[] = [];
    const skipped: { label: string; reason: string }[] = [];
    for (const [label, labelOf] of labels) {
      let any = false;
      for (const algo of hasherIds(config.algos)) {
        const r = attributeLeakage(images, algo, label, labelOf, config);
        if (r) {
          results.push(r);
          any = true;
        }
      }
      if (!any) skipped.push({ label, reason: 'fewer than two classes among the images' });
    }
    const summary: AttributesSummary = {
      images: images.length,
      synthetic: prepared.dataset.synthetic,
      results,
      skipped,
    };
    store.putResults(
      prepared.run.id,
      'attributes',
      results.map((r) => ({ key: `${r.algo}|${r.label}`, value: r })),
    );
    store.putArtifact(prepared.run.id, 'summary', summary);
    return { runId: prepared.run.id, summary };
  });
}
