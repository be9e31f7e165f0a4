// Neural-hash sections: for every learned hasher the stored runs used (their `model-cards` artifact), the model card
// as recorded when the run started (model, file digests, input, bits), its robustness and false-positive rate beside
// the classic hashes of the same runs, and what its bits leak (re-identification by inversion, attributes).
import type { FprSummary } from '../../eval/fpr.js';
import { MODEL_CARDS_ARTIFACT, type ModelCardRecord } from '../../eval/model-cards.js';
import type { RobustnessSummary } from '../../eval/robustness-summary.js';
import type { AttributesSummary } from '../../leakage/attributes-run.js';
import type { InversionStudyResult } from '../../leakage/inversion-study.js';
import { summariesOf, type ReportContext, type RunWithSummary, type SectionContributor } from '../context.js';
import { emptyCell, formatCount, numberCell, proportionCell, textCell } from '../format.js';
import type { Block, ReportSection, TableRow } from '../model.js';
import { fprCurve } from './fpr.js';
import { rateCell, shownN } from './leakage.js';
import { robustnessRates } from './robustness.js';

/** Run kinds whose summaries name algorithms (the ones a learned hasher can appear in). */
const KINDS = ['robustness', 'fpr', 'leakage-invert', 'leakage-attributes'] as const;

/** The learned hashers of the report's runs, by hasher id and model digest, with the runs that recorded each. */
function modelsOf(ctx: ReportContext): { card: ModelCardRecord; runIds: string[] }[] {
  const byKey = new Map<string, { card: ModelCardRecord; runIds: string[] }>();
  for (const input of ctx.inputs) {
    const cards = input.artifacts[MODEL_CARDS_ARTIFACT] as readonly ModelCardRecord[] | undefined;
    for (const card of cards ?? []) {
      const key = `${card.algo}|${card.modelSha256}`;
      const entry = byKey.get(key) ?? { card, runIds: [] };
      entry.runIds.push(input.run.id);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}

function cardBlock(card: ModelCardRecord, runIds: readonly string[], id: string): Block {
  const row = (what: string, value: string): TableRow => ({ runIds, cells: [textCell(what), textCell(value)] });
  return {
    kind: 'table',
    id: `${id}-card`,
    caption: `Model card of ${card.name}, as recorded when the run${runIds.length > 1 ? 's' : ''} started`,
    runIds,
    columns: [
      { key: 'field', label: 'Field' },
      { key: 'value', label: 'Value' },
    ],
    rows: [
      row('algorithm', card.algo),
      row('description', card.description),
      row('card', card.cardPath),
      row('model', `${card.modelFile} (${formatCount(card.modelBytes)} bytes, SHA-256 ${card.modelSha256})`),
      row(
        'projection',
        card.projection
          ? `${card.projection.file}: ${card.projection.rows} × ${card.projection.cols} (SHA-256 ${card.projection.sha256})`
          : 'none (bits from the embedding itself)',
      ),
      row('input', card.input),
      row('embedding', `${card.embedding} floats`),
      row('bits', `${card.nbits}, bit = ${card.bitRule}`),
    ],
  };
}

/** The latest run of `kind` whose summary has the algorithm (reports list runs oldest first). */
function latestWith<T>(ctx: ReportContext, kind: string, has: (s: T) => boolean): RunWithSummary<T> | undefined {
  return summariesOf<T>(ctx, kind)
    .filter((r) => has(r.summary))
    .at(-1);
}

/** TPR and FPR at each algorithm's operating threshold, the learned hash beside the classic ones of the same runs. */
function ratesBlock(ctx: ReportContext, algo: string, id: string): Block | undefined {
  const rob = latestWith<RobustnessSummary>(ctx, 'robustness', (s) => algo in s.algos);
  const fpr = latestWith<FprSummary>(ctx, 'fpr', (s) => algo in s.algos);
  if (!rob && !fpr) return undefined;
  const tpr = new Map(rob ? robustnessRates(rob.summary, ctx.options.thresholdOf).map((r) => [r.algo, r]) : []);
  const algos = [...new Set([...Object.keys(rob?.summary.algos ?? {}), ...Object.keys(fpr?.summary.algos ?? {})])];
  const runIds = [rob?.input.run.id, fpr?.input.run.id].filter((x): x is string => x !== undefined);
  return {
    kind: 'table',
    id: `${id}-rates`,
    caption: `Robustness (edited copies within τ) and false-positive rate (unrelated pairs within τ) at each algorithm's operating threshold τ, the learned hash beside the classic hashes of the same runs (95% Clopper–Pearson intervals)`,
    runIds,
    columns: [
      { key: 'algo', label: 'Algorithm' },
      { key: 'tau', label: 'τ', numeric: true },
      { key: 'tpr', label: 'TPR', numeric: true },
      { key: 'fpr', label: 'FPR', numeric: true },
    ],
    rows: algos.map((a) => {
      const t = tpr.get(a);
      const fa = fpr?.summary.algos[a];
      const f = fa ? fprCurve(fa)?.[ctx.options.thresholdOf(a)] : undefined;
      return {
        runIds,
        cells: [
          textCell(a === algo ? `${a} (learned)` : a),
          numberCell(ctx.options.thresholdOf(a)),
          t?.overall ? proportionCell(t.overall) : emptyCell(rob ? 'not measured' : 'no robustness run'),
          f ? proportionCell(f) : emptyCell(fpr ? 'not measured' : 'no FPR run'),
        ],
      };
    }),
  };
}

/** Re-identification from the learned hash's bits (every inverse), and labels predicted from them. */
function leakageBlocks(ctx: ReportContext, algo: string, id: string): Block[] {
  const blocks: Block[] = [];
  const inv = latestWith<InversionStudyResult>(ctx, 'leakage-invert', (s) => s.algorithms.some((a) => a.algo === algo));
  const a = inv?.summary.algorithms.find((x) => x.algo === algo);
  if (inv && a) {
    const n = shownN(inv.summary);
    const runIds = [inv.input.run.id];
    const rh = a.rehash[String(n)];
    blocks.push({
      kind: 'table',
      id: `${id}-reid`,
      caption: `Re-identification among N = ${n} candidates from the learned hash alone, by each inverse (95% Wilson intervals; chance ${(100 / n).toFixed(1)}%); re-hashing the candidates${rh ? ` ranks the photo first ${(100 * rh.rank1).toFixed(1)}% of the time` : ''}`,
      runIds,
      columns: [
        { key: 'method', label: 'Inverse' },
        { key: 'rank1', label: 'Rank-1', numeric: true },
        { key: 'rank5', label: 'Rank-5', numeric: true },
        { key: 'ssim', label: 'SSIM', numeric: true },
      ],
      rows: Object.values(a.methods).map((m) => {
        const r = m.byCandidates[String(n)];
        return {
          runIds,
          cells: [
            textCell(m.method + (m.method === a.primary ? ' (primary)' : '')),
            r ? rateCell(r.rank1, r.rank1Interval) : emptyCell(),
            r ? rateCell(r.rank5, r.rank5Interval) : emptyCell(),
            numberCell(m.ssim.mean, m.ssim.mean.toFixed(3)),
          ],
        };
      }),
    });
  }
  const attrs = latestWith<AttributesSummary>(ctx, 'leakage-attributes', (s) => s.results.some((r) => r.algo === algo));
  if (attrs) {
    const runIds = [attrs.input.run.id];
    blocks.push({
      kind: 'table',
      id: `${id}-attributes`,
      caption: 'Labels predicted from the learned hash’s bits against the majority class (95% Wilson intervals)',
      runIds,
      columns: [
        { key: 'label', label: 'Label' },
        { key: 'majority', label: 'Majority baseline', numeric: true },
        { key: 'logistic', label: 'Logistic', numeric: true },
        { key: 'knn', label: 'k-NN', numeric: true },
      ],
      rows: attrs.summary.results
        .filter((r) => r.algo === algo)
        .map((r) => ({
          runIds,
          cells: [
            textCell(r.label),
            rateCell(r.majority.rate, r.majority.interval),
            rateCell(r.classifiers.logistic.rate, r.classifiers.logistic.interval),
            rateCell(r.classifiers.knn.rate, r.classifiers.knn.interval),
          ],
        })),
    });
  }
  return blocks;
}

export const neuralContributor: SectionContributor = {
  id: 'neural',
  kinds: [...KINDS],
  contribute(ctx) {
    const models = modelsOf(ctx);
    return models.map(({ card, runIds }, i): ReportSection => {
      const id = models.length > 1 ? `neural-${i + 1}` : 'neural';
      const rates = ratesBlock(ctx, card.algo, id);
      const leakage = leakageBlocks(ctx, card.algo, id);
      return {
        id,
        title: `Learned hash: ${card.name}`,
        runIds,
        blocks: [
          {
            kind: 'text',
            paragraphs: [
              `${card.name} is a learned perceptual hash: an ONNX network maps the image to a ${card.embedding}-float embedding${card.projection ? `, a fixed ${card.projection.rows} × ${card.projection.cols} projection maps that to ${card.nbits} values` : ''}, and each bit is ${card.bitRule}. The card below is what the runs recorded when they started, with the digests of the files they loaded.`,
              rates || leakage.length
                ? 'Its rates and leakage come from the same runs as the classic hashes beside it, at the same operating thresholds.'
                : 'No robustness, FPR or leakage run in this report measured it.',
            ],
          },
          cardBlock(card, runIds, id),
          ...(rates ? [rates] : []),
          ...leakage,
        ],
      };
    });
  },
};
