// Robustness sections: for each robustness run, TPR at the operating thresholds overall and per transform, the
// heat map of TPR per transform × algorithm, and retrieval recall at the run's target precision.
import { clopperPearson, formatProportion, type Proportion } from '../../eval/binomial.js';
import { countAtMost, mean, total, type DistanceHistogram } from '../../eval/histogram.js';
import { relatedHistogram, type RobustnessSummary } from '../../eval/robustness-summary.js';
import { tprHeatmapChart, type HeatmapCell } from '../charts/tpr-heatmap.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { emptyCell, formatFixed, numberCell, proportionCell, textCell } from '../format.js';
import type { KeyNumber, ReportSection, TableRow } from '../model.js';
import type { ResolvedReportOptions } from '../options.js';
import { sampleText } from '../sample.js';

export interface AlgoTpr {
  readonly algo: string;
  readonly nbits: number;
  readonly threshold: number;
  readonly overall: Proportion | null;
  readonly meanDistance: number | null;
  readonly perTransform: readonly { readonly transform: string; readonly tpr: Proportion | null }[];
}

/** TPR at each algorithm's operating threshold, overall and per transform (null where nothing was measured). */
export function robustnessRates(summary: RobustnessSummary, thresholdOf: (algo: string) => number): AlgoTpr[] {
  return Object.entries(summary.algos).map(([algo, a]) => {
    const threshold = thresholdOf(algo);
    const rate = (h: DistanceHistogram): Proportion | null => {
      const n = total(h);
      return n === 0 ? null : clopperPearson(countAtMost(h, threshold), n);
    };
    const n = total(a.overall);
    return {
      algo,
      nbits: a.nbits,
      threshold,
      overall: rate(a.overall),
      meanDistance: n ? mean(a.overall) : null,
      perTransform: summary.transforms.map((transform) => ({ transform, tpr: rate(relatedHistogram(a, transform)) })),
    };
  });
}

function robustnessSection(
  { input, summary }: RunWithSummary<RobustnessSummary>,
  options: ResolvedReportOptions,
  several: boolean,
): ReportSection {
  const runIds = [input.run.id];
  const id = runSectionId('robustness', input, several);
  const rates = robustnessRates(summary, options.thresholdOf);
  const algos = rates.map((r) => r.algo);
  const copies = rates[0]?.overall?.n ?? 0;
  const paragraphs = [
    `Run ${input.run.id} hashed ${sampleText(summary.items, summary.failedItems)} and ${summary.transforms.length} edited copies of each with ${algos.length} algorithms ` +
      `(${copies} edited copies per algorithm). An edited copy is a true positive when the Hamming distance between its hash and the original's ` +
      `is at most the algorithm's operating threshold τ. Rates carry 95% Clopper–Pearson intervals.`,
  ];
  if (summary.failedItems.length)
    paragraphs.push(
      `${summary.failedItems.length} image(s) could not be processed and are not counted: ${summary.failedItems.map((f) => `${f.id} (${f.error})`).join('; ')}.`,
    );
  if (summary.failedVariants)
    paragraphs.push(`${summary.failedVariants} edited copies failed to be produced or hashed and are not counted.`);

  const overallRows: TableRow[] = rates.map((r) => {
    const hardest = r.perTransform.filter((t) => t.tpr).sort((a, b) => a.tpr!.estimate - b.tpr!.estimate)[0];
    return {
      runIds,
      cells: [
        textCell(r.algo),
        numberCell(r.nbits),
        numberCell(r.threshold),
        r.overall ? numberCell(r.overall.n) : emptyCell(),
        r.overall ? proportionCell(r.overall) : emptyCell('not measured'),
        r.meanDistance === null ? emptyCell() : numberCell(r.meanDistance, formatFixed(r.meanDistance, 2)),
        hardest
          ? {
              text: `${hardest.transform}: ${formatProportion(hardest.tpr!)}`,
              value: { transform: hardest.transform, ...hardest.tpr! },
            }
          : emptyCell(),
      ],
    };
  });
  const byTransform: TableRow[] = summary.transforms.map((transform, k) => ({
    runIds,
    cells: [
      textCell(transform),
      ...rates.map((r) => (r.perTransform[k]!.tpr ? proportionCell(r.perTransform[k]!.tpr!) : emptyCell())),
    ],
  }));
  const retrieval: TableRow[] = summary.transforms.map((transform) => ({
    runIds,
    cells: [
      textCell(transform),
      ...algos.map((algo) => {
        const r = summary.algos[algo]!.retrieval[transform];
        if (!r) return emptyCell();
        if (r.threshold === null) return { text: `none reaches P ≥ ${r.targetPrecision}`, value: { ...r } };
        return { text: `${formatFixed(r.recall, 3)} (τ ≤ ${r.threshold})`, value: { ...r } };
      }),
    ],
  }));
  const cells: HeatmapCell[] = rates.flatMap((r) =>
    r.perTransform
      .filter((t) => t.tpr)
      .map((t) => ({ algo: r.algo, threshold: r.threshold, transform: t.transform, tpr: t.tpr! })),
  );
  const suffix = several ? ` (run ${input.run.id})` : '';
  const keyNumbers: KeyNumber[] = rates
    .filter((r) => r.overall)
    .map((r) => ({
      label: `TPR at τ, all transforms${suffix}`,
      subject: r.algo,
      cell: proportionCell(r.overall!),
      runIds,
    }));
  return {
    id,
    title: runTitle('Robustness to edits', input, several),
    runIds,
    keyNumbers,
    blocks: [
      { kind: 'text', paragraphs },
      {
        kind: 'table',
        id: `${id}-overall`,
        caption: 'True-positive rate per algorithm over all transforms, at the operating threshold',
        runIds,
        columns: [
          { key: 'algo', label: 'Algorithm' },
          { key: 'bits', label: 'Bits', numeric: true },
          { key: 'tau', label: 'τ (bits)', numeric: true },
          { key: 'copies', label: 'Edited copies', numeric: true },
          { key: 'tpr', label: 'TPR [95% CI]', numeric: true },
          { key: 'mean', label: 'Mean distance (bits)', numeric: true },
          { key: 'hardest', label: 'Hardest transform: TPR' },
        ],
        rows: overallRows,
      },
      tprHeatmapChart(`${id}-heatmap`, runIds, algos, summary.transforms, cells),
      {
        kind: 'table',
        id: `${id}-by-transform`,
        caption: 'True-positive rate [95% CI] per transform and algorithm, at the operating thresholds',
        runIds,
        columns: [
          { key: 'transform', label: 'Transform' },
          ...rates.map((r) => ({ key: r.algo, label: `${r.algo} (τ=${r.threshold})`, numeric: true })),
        ],
        rows: byTransform,
      },
      {
        kind: 'table',
        id: `${id}-retrieval`,
        caption: `Retrieval: recall at precision ≥ ${summary.retrievalPrecision} per transform (the edited copy's closest original must be its own), with the threshold that achieves it`,
        runIds,
        columns: [{ key: 'transform', label: 'Transform' }, ...algos.map((a) => ({ key: a, label: a, numeric: true }))],
        rows: retrieval,
      },
    ],
  };
}

export const robustnessContributor: SectionContributor = {
  id: 'robustness',
  kinds: ['robustness'],
  contribute(ctx) {
    const runs = summariesOf<RobustnessSummary>(ctx, 'robustness');
    return runs.map((r) => robustnessSection(r, ctx.options, runs.length > 1));
  },
};
