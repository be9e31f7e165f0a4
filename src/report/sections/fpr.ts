// False-positive sections: for each FPR run, FPR at the operating thresholds with intervals, the effective-DoF fit,
// the duplicates left out, and FPR against the threshold.
import { clopperPearson, type Proportion } from '../../eval/binomial.js';
import { clusteredFprCurve, CLUSTER_METHOD, type ClusteredProportion } from '../../eval/cluster.js';
import type { AlgoFpr, FprSummary } from '../../eval/fpr.js';
import { countAtMost, total } from '../../eval/histogram.js';
import { fitTailModels, formatLog10, fprBand, validateTailModels } from '../../eval/tail-models.js';
import { fprThresholdChart, type FprCurve } from '../charts/fpr-threshold.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { emptyCell, formatFixed, formatSci, numberCell, proportionCell, textCell } from '../format.js';
import type { Block, Cell, KeyNumber, ReportSection, TableRow } from '../model.js';
import type { ResolvedReportOptions } from '../options.js';
import { sampleText } from '../sample.js';

/** Measured FPR at every threshold 0..nbits (null when the run has no pairs for the algorithm). */
export function fprCurve(a: AlgoFpr): Proportion[] | null {
  const n = total(a);
  if (n === 0) return null;
  return Array.from({ length: a.nbits + 1 }, (_, t) => clopperPearson(countAtMost(a, t), n));
}

/** The cluster-jackknife FPR at τ with its effective n, when the run kept per-image histograms. */
function clusterCell(c: ClusteredProportion): Cell {
  const head =
    c.k === 0
      ? `0/${c.n}, ≤ ${formatSci(c.upper)}`
      : `${formatSci(c.estimate)} [${formatSci(c.lower)}, ${formatSci(c.upper)}]`;
  return { text: `${head} (n_eff ${Math.round(c.effectiveN)})`, value: { ...c } };
}

/** The tail-model band at every threshold, when the run's histogram supports any model. */
export function bandCurve(a: AlgoFpr): { log10Lower: number; log10Upper: number }[] | null {
  if (total(a) === 0) return null;
  const models = fitTailModels(a, a.images);
  if (models.length === 0) return null;
  const validation = validateTailModels(a, a.images);
  return Array.from({ length: a.nbits + 1 }, (_, t) => {
    const b = fprBand(models, validation, t)!;
    return { log10Lower: b.log10Lower, log10Upper: b.log10Upper };
  });
}

function pairsSentence(summary: FprSummary, runId: string, seed: string | null): string {
  const first = Object.values(summary.algos)[0];
  if (!first) return `Run ${runId} holds no pair histograms.`;
  const measured = total(first);
  const how = first.sampled
    ? `a seeded random sample (seed ${seed ?? '?'}) of ${measured} of the ${first.population} pairs of images from different near-duplicate groups`
    : `all ${measured} pairs of images from different near-duplicate groups`;
  return (
    `Run ${runId} hashed ${sampleText(summary.items, summary.failedItems ?? [])}${summary.synthetic ? ' (SYNTHETIC images: these rates say nothing about photographs)' : ''} and compared ${how}. ` +
    `A pair is a false positive when its Hamming distance is at most the operating threshold τ.`
  );
}

function fprSection(
  { input, summary }: RunWithSummary<FprSummary>,
  options: ResolvedReportOptions,
  several: boolean,
): ReportSection {
  const runIds = [input.run.id];
  const id = runSectionId('fpr', input, several);
  const keepDuplicates = (input.run.config as { keepDuplicates?: boolean } | null)?.keepDuplicates === true;
  const paragraphs = [pairsSentence(summary, input.run.id, input.run.seed)];
  paragraphs.push(
    summary.duplicates.length === 0
      ? 'No exact or near-exact duplicates were found across groups.'
      : `${summary.duplicates.length} pair(s) of images in different groups are exact or near-exact duplicates (listed below); ` +
          (keepDuplicates
            ? 'they were kept, so they count as false positives.'
            : 'they were left out, since a duplicate is not a false positive of the hash.'),
  );
  const filtered = Object.entries(summary.algos).filter(([, a]) => a.lowQuality);
  if (filtered.length)
    paragraphs.push(
      `Quality filter: ` +
        filtered
          .map(
            ([algo, a]) =>
              `${algo} left out ${a.lowQuality!.images} image(s) whose hash quality is below ${a.lowQuality!.minQuality}`,
          )
          .join('; ') +
        ` (ThreatExchange's tools do not match such hashes: flat, dark or tiny images). The pdq-dihedral row is PDQ as deployed: ` +
        `the smallest distance over the eight rotations and mirror images of one image against the other's plain hash.`,
    );
  const rows: TableRow[] = [];
  const curves: FprCurve[] = [];
  const keyNumbers: KeyNumber[] = [];
  const suffix = several ? ` (run ${input.run.id})` : '';
  for (const [algo, a] of Object.entries(summary.algos)) {
    const tau = options.thresholdOf(algo);
    const measured = fprCurve(a);
    const fpr = measured?.[Math.min(tau, a.nbits)];
    const clustered = a.images ? clusteredFprCurve(a.images)[Math.min(tau, a.nbits)] : undefined;
    const bands = bandCurve(a);
    const band = bands?.[Math.min(tau, a.nbits)];
    rows.push({
      runIds,
      cells: [
        textCell(algo),
        numberCell(a.nbits),
        numberCell(a.hashed),
        numberCell(total(a)),
        textCell(a.sampled ? 'sampled' : 'all'),
        numberCell(tau),
        fpr ? proportionCell(fpr) : emptyCell('no pairs'),
        clustered ? clusterCell(clustered) : emptyCell('not kept'),
        band
          ? { text: `[${formatLog10(band.log10Lower, 1)}, ${formatLog10(band.log10Upper, 1)}]`, value: { ...band } }
          : emptyCell(),
        a.dof ? numberCell(a.dof.dof, formatFixed(a.dof.dof, 1)) : emptyCell(),
        a.dof ? numberCell(a.dof.p, formatFixed(a.dof.p, 3)) : emptyCell(),
        a.dof ? numberCell(a.dof.ks, formatFixed(a.dof.ks, 3)) : emptyCell(),
      ],
    });
    if (measured) curves.push({ algo, nbits: a.nbits, operatingThreshold: tau, measured, band: bands });
    if (fpr)
      keyNumbers.push({
        label: `FPR at τ, unrelated pairs${clustered ? ' (cluster interval)' : ' (raw pairs, assumes independent pairs)'}${suffix}`,
        subject: algo,
        cell: clustered ? clusterCell(clustered) : proportionCell(fpr),
        runIds,
      });
  }
  const blocks: Block[] = [
    { kind: 'text', paragraphs },
    {
      kind: 'table',
      id: `${id}-rates`,
      caption:
        'False-positive rate per algorithm at the operating threshold, and the effective-degrees-of-freedom fit of the unrelated-pair distances',
      runIds,
      columns: [
        { key: 'algo', label: 'Algorithm' },
        { key: 'bits', label: 'Bits', numeric: true },
        { key: 'hashed', label: 'Images hashed', numeric: true },
        { key: 'pairs', label: 'Pairs', numeric: true },
        { key: 'pairsKind', label: 'Pairs compared' },
        { key: 'tau', label: 'τ (bits)', numeric: true },
        { key: 'fpr', label: 'FPR [95% CI], raw pairs (assumes independent pairs)', numeric: true },
        { key: 'fprCluster', label: 'FPR [95% CI], cluster interval', numeric: true },
        { key: 'band', label: 'FPR at τ, tail-model band', numeric: true },
        { key: 'dof', label: 'DoF N', numeric: true },
        { key: 'p', label: 'Mean fractional distance p', numeric: true },
        { key: 'ks', label: 'KS distance of fit', numeric: true },
      ],
      rows,
      notes: [
        'With zero false positives the interval is [0, upper]; the rule of three gives the familiar bound 3/n.',
        `Each image is in many pairs, so pairs are not independent: the cluster interval is the ${CLUSTER_METHOD}, and n_eff is the number of independent pairs the sample is worth at τ.`,
        'The tail-model band runs from the lowest to the highest of the validated tail models at τ, each widened by its largest out-of-sample error (see the population section).',
      ],
    },
  ];
  if (curves.length) blocks.push(fprThresholdChart(`${id}-vs-threshold`, runIds, curves));
  if (summary.duplicates.length) {
    blocks.push({
      kind: 'table',
      id: `${id}-duplicates`,
      caption: `Duplicate images across groups (${keepDuplicates ? 'kept' : 'left out of the pairs'})`,
      runIds,
      columns: [
        { key: 'a', label: 'Item' },
        { key: 'b', label: 'Duplicate of' },
        { key: 'kind', label: 'Kind' },
      ],
      rows: summary.duplicates.map((d) => ({ runIds, cells: [textCell(d.a), textCell(d.b), textCell(d.kind)] })),
    });
  }
  return {
    id,
    title: runTitle('False positives between unrelated images', input, several),
    runIds,
    keyNumbers,
    blocks,
  };
}

export const fprContributor: SectionContributor = {
  id: 'fpr',
  kinds: ['fpr'],
  contribute(ctx) {
    const runs = summariesOf<FprSummary>(ctx, 'fpr');
    return runs.map((r) => fprSection(r, ctx.options, runs.length > 1));
  },
};
