// `scanlab leakage invert|attributes`: what a perceptual hash reveals about its photo — reconstructions and
// re-identification among candidates, and labels predicted from the bits — each stored as a run.
import type { Command } from 'commander';
import { RunStore } from '../eval/store.js';
import { runAttributesExperiment, type AttributesSummary } from '../leakage/attributes-run.js';
import type { InversionStudyResult, MethodResult } from '../leakage/inversion-study.js';
import { DEFAULT_INVERT_CONFIG, runInversionExperiment } from '../leakage/invert-run.js';
import type { ReidentificationRates } from '../leakage/reidentify.js';
import { formatTable } from '../util/table.js';
import { UsageError } from './errors.js';
import { parseAlgos, parseList } from './options.js';
import { createProgress } from './progress.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

/** The candidate-set sizes always reported besides the one asked for. */
const STANDARD_CANDIDATES = [10, 100, 1000];

interface InvertOptions {
  dataset: string;
  algo: string;
  candidates: string;
  out?: string;
  steps: string;
  views: string;
  folds: string;
  seed: string;
  store: string;
  name?: string;
  json?: boolean;
}

function count(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes an integer ≥ ${min}, not "${value}"`);
  return n;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ci = (i: readonly [number, number]): string => `[${pct(i[0])}, ${pct(i[1])}]`;

/** The flat figures of one method at N candidates, as the JSON output lists them. */
function methodJson(m: MethodResult, n: number): Record<string, unknown> {
  const r = m.byCandidates[String(n)];
  return {
    method: m.method,
    ...(r ? rateFields(r) : {}),
    ssim: m.ssim.mean,
    ssimInterval: m.ssim.interval,
    psnr: m.psnr.mean,
    psnrInterval: m.psnr.interval,
    bitAgreement: m.bitAgreement.mean,
    bitAgreementInterval: m.bitAgreement.interval,
    byCandidates: m.byCandidates,
    ...(m.paired ? { paired: { against: m.paired.against, ...m.paired.byCandidates[String(n)] } } : {}),
  };
}

const rateFields = (r: ReidentificationRates): Record<string, unknown> => ({ ...r });

/** `{ algorithms: { ALGO: { rank1, rank1Interval, rank5, …, methods, rehash } } }` at N candidates. */
export function inversionJson(result: InversionStudyResult, n: number): Record<string, unknown> {
  const algorithms: Record<string, unknown> = {};
  for (const a of result.algorithms) {
    const primary = a.methods[a.primary];
    algorithms[a.algo] = {
      nbits: a.nbits,
      ...(primary ? methodJson(primary, n) : {}),
      methods: Object.fromEntries(Object.values(a.methods).map((m) => [m.method, methodJson(m, n)])),
      rehash: a.rehash[String(n)] ?? null,
      rehashByCandidates: a.rehash,
    };
  }
  return { ...result, candidatesShown: n, algorithms };
}

/** `vs analytic +12/−3 p=0.035`: targets only this method / only the baseline ranks first, exact McNemar p. */
export function pairedText(m: MethodResult, n: number): string {
  const p = m.paired?.byCandidates[String(n)];
  return m.paired && p ? `vs ${m.paired.against} +${p.better}/−${p.worse} p=${p.pValue.toPrecision(2)}` : '-';
}

export function formatInversion(result: InversionStudyResult, n: number): string {
  const rows = [
    [
      'algo',
      'method',
      `rank-1 of ${n} [95% CI]`,
      'rank-5',
      'chance 1/5',
      'SSIM',
      'PSNR dB',
      'own-hash bits',
      'paired vs baseline',
      `re-hash rank-1`,
    ],
  ];
  for (const a of result.algorithms)
    for (const m of Object.values(a.methods)) {
      const r = m.byCandidates[String(n)];
      const rh = a.rehash[String(n)];
      rows.push([
        a.algo,
        m.method + (m.method === a.primary ? '*' : ''),
        r ? `${pct(r.rank1)} ${ci(r.rank1Interval)}` : '-',
        r ? `${pct(r.rank5)} ${ci(r.rank5Interval)}` : '-',
        r ? `${pct(r.chance1)} / ${pct(r.chance5)}` : '-',
        m.ssim.mean.toFixed(3),
        m.psnr.mean.toFixed(1),
        pct(m.bitAgreement.mean),
        pairedText(m, n),
        rh ? `${pct(rh.rank1)} ${ci(rh.rank1Interval)}` : '-',
      ]);
    }
  const others = result.candidates.filter((c) => c !== n);
  const lines = [
    `re-identification by appearance: ${result.targets} targets (one image per group of ${result.groups}), each among ${n} candidates ranked by luma correlation of the reconstruction with the candidate's own 32×32 thumbnail`,
    formatTable(rows),
    "* the method reported first, by a fixed rule: combined (analytic + learned, whitened by the training photos' spectrum) where the transform is known, else whitened (learned, whitened); own-hash bits = bits the reconstruction hashes back to; paired = targets only this method / only the baseline (analytic, else learned) ranks first, with the exact McNemar p-value; re-hash = ranking candidates by their own hashes (the hash is an identifier)",
  ];
  for (const c of others) {
    lines.push(
      `N = ${c}: ` +
        result.algorithms
          .map((a) => {
            const r = a.methods[a.primary]?.byCandidates[String(c)];
            return r ? `${a.algo} ${pct(r.rank1)} ${ci(r.rank1Interval)}` : `${a.algo} -`;
          })
          .join(', ') +
        ` (chance ${pct(1 / c)})`,
    );
  }
  if (result.skippedCandidates.length > 0)
    lines.push(`not enough groups for N = ${result.skippedCandidates.join(', ')} (the dataset has ${result.groups})`);
  return lines.join('\n') + '\n';
}

async function invertCommand(o: InvertOptions): Promise<void> {
  const algos = parseAlgos(o.algo);
  const n = count('candidates', o.candidates, 2);
  const store = RunStore.open(o.store);
  const progress = createProgress('leakage invert');
  try {
    const out = await runInversionExperiment(
      store,
      {
        dataset: o.dataset,
        algos,
        candidates: [...new Set([...STANDARD_CANDIDATES, n])].sort((a, b) => a - b),
        seed: count('seed', o.seed, 0),
        folds: count('folds', o.folds, 2),
        steps: count('steps', o.steps, 0),
        views: count('views', o.views, 1),
        sheetRows: DEFAULT_INVERT_CONFIG.sheetRows,
      },
      {
        ...(o.out ? { out: o.out } : {}),
        ...(o.name ? { name: o.name } : {}),
        onProgress: (what) => process.stderr.isTTY && process.stderr.write(`\rleakage invert: ${what}\x1b[K`),
      },
    );
    progress.finish();
    const shown = out.result.candidates.includes(n) ? n : Math.max(...out.result.candidates);
    if (o.json)
      process.stdout.write(
        JSON.stringify({
          run: out.runId,
          synthetic: out.synthetic,
          files: out.files,
          ...inversionJson(out.result, shown),
        }) + '\n',
      );
    else {
      process.stdout.write(
        `run ${out.runId}${out.synthetic ? ' (SYNTHETIC dataset)' : ''}\n` + formatInversion(out.result, shown),
      );
      if (o.out)
        process.stdout.write(`wrote ${out.files.length} files to ${o.out} (contact-sheet.png, ALGO/NAME.png)\n`);
    }
  } finally {
    store.close();
  }
}

interface AttributesOptions {
  dataset: string;
  algo: string;
  label?: string;
  folds: string;
  seed: string;
  store: string;
  name?: string;
  json?: boolean;
}

export function formatAttributes(s: AttributesSummary): string {
  const rows = [['label', 'algo', 'n', 'classes', 'majority baseline [95% CI]', 'logistic', 'k-NN (k=5)']];
  for (const r of s.results)
    rows.push([
      r.label,
      r.algo,
      String(r.n),
      Object.entries(r.classes)
        .map(([c, k]) => `${c} ${k}`)
        .join(', '),
      `${pct(r.majority.rate)} ${ci(r.majority.interval)}`,
      `${pct(r.classifiers.logistic.rate)} ${ci(r.classifiers.logistic.interval)}`,
      `${pct(r.classifiers.knn.rate)} ${ci(r.classifiers.knn.interval)}`,
    ]);
  const skipped = s.skipped.map((k) => `label ${k.label} skipped: ${k.reason}\n`).join('');
  return (
    `labels predicted from hash bits, cross-validated by near-duplicate group (one image per group evaluated)${s.synthetic ? ' — SYNTHETIC dataset' : ''}\n` +
    formatTable(rows) +
    skipped
  );
}

async function attributesCommand(o: AttributesOptions): Promise<void> {
  const store = RunStore.open(o.store);
  try {
    const { runId, summary } = await runAttributesExperiment(
      store,
      {
        dataset: o.dataset,
        algos: parseAlgos(o.algo),
        labels: o.label ? parseList(o.label) : [],
        folds: count('folds', o.folds, 2),
        seed: count('seed', o.seed, 0),
      },
      o.name ? { name: o.name } : {},
    );
    process.stdout.write(
      o.json ? JSON.stringify({ run: runId, ...summary }) + '\n' : `run ${runId}\n` + formatAttributes(summary),
    );
  } finally {
    store.close();
  }
}

export function registerHashLeakageCommands(leakage: Command): void {
  addStoreOption(
    leakage
      .command('invert')
      .description('reconstruct photos from their hashes and re-identify them among N candidates by appearance')
      .requiredOption('--dataset <path>', 'dataset folder or manifest')
      .requiredOption('--algo <list>', 'algorithms, comma-separated (e.g. pdq,phash,neural:models/scanlab-tiny.json)')
      .option(
        '--candidates <n>',
        'candidate photos per target (also reported: 10, 100, 1000 where the dataset allows)',
        '100',
      )
      .option('--out <dir>', 'write contact-sheet.png and each reconstruction as DIR/ALGO/NAME.png')
      .option(
        '--steps <n>',
        'search steps per image for hashes without an analytic inverse',
        String(DEFAULT_INVERT_CONFIG.steps),
      )
      .option(
        '--views <n>',
        'edited training views per image for the learned inverse (1–10)',
        String(DEFAULT_INVERT_CONFIG.views),
      )
      .option('--folds <n>', 'cross-fitting folds (by group)', String(DEFAULT_INVERT_CONFIG.folds))
      .option('--seed <n>', 'seed for folds, candidate draws and search', String(DEFAULT_INVERT_CONFIG.seed))
      .option('--name <name>', 'run name')
      .option('--json', 'results as JSON'),
  ).action(runAction(invertCommand));
  addStoreOption(
    leakage
      .command('attributes')
      .description('predict photo labels (kind, greyscale, manifest columns) from hash bits, cross-validated by group')
      .requiredOption('--dataset <path>', 'dataset folder or manifest')
      .requiredOption('--algo <list>', 'algorithms, comma-separated')
      .option('--label <columns>', 'manifest columns to predict besides kind and greyscale, comma-separated')
      .option('--folds <n>', 'cross-validation folds (by group)', '5')
      .option('--seed <n>', 'seed for the fold assignment', '1')
      .option('--name <name>', 'run name')
      .option('--json', 'results as JSON'),
  ).action(runAction(attributesCommand));
}
