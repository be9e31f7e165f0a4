// Attack sections: per stored attack run, success per hasher with its interval, queries and distortion, success
// against query budget and against PSNR (one curve per hasher), the defences' price when it was computed, and the
// contact sheet of originals and adversarial images that the run wrote.
import type { ContactSheet } from '../../attack/contact-sheet.js';
import type { DefenceRow } from '../../attack/defences.js';
import type { AttackSummary, KindSuccess } from '../../attack/summary.js';
import { chartBlock } from '../charts/common.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { formatFixed, numberCell, textCell } from '../format.js';
import type { Block, Cell, ChartBlock, Datum, ReportSection } from '../model.js';

const pct = (x: number): string => `${formatFixed(100 * x, 1)}%`;
const opt = (x: number | null, digits: number): string => (x === null ? '–' : formatFixed(x, digits));

function curve(id: string, runIds: readonly string[], s: AttackSummary, which: 'byBudget' | 'byPsnr'): ChartBlock {
  const data: Datum[] = [];
  for (const [algo, a] of Object.entries(s.algorithms))
    for (const p of a[which]) data.push({ algo, x: p.x, rate: a.n ? p.successes / a.n : null });
  const budget = which === 'byBudget';
  const title = budget ? 'Attack success against query budget' : 'Attack success against PSNR';
  const description = budget
    ? `Share of images attacked successfully within each number of hash queries (log scale), one line per hasher; the attack ran with one budget and the curve counts the successes that needed at most each number of queries. Final rates: ${Object.entries(
        s.algorithms,
      )
        .map(([k, a]) => `${k} ${pct(a.successRate)} of ${a.n}`)
        .join(', ')}.`
    : 'Share of images whose successful adversarial JPEG has at least each PSNR against the source, one line per hasher (the attack stops at its first success, so this is a lower bound on what a PSNR-maximising attack reaches).';
  return chartBlock(
    { id, title, description, runIds, data },
    {
      width: 460,
      height: 280,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          scale: budget ? { type: 'log' } : { zero: false },
          title: budget ? 'Hash queries per image (log scale)' : 'PSNR of the uploaded JPEG against the source, dB',
        },
        y: { field: 'rate', type: 'quantitative', scale: { domain: [0, 1] }, title: 'Success rate' },
        color: { field: 'algo', type: 'nominal', title: 'Hasher' },
      },
    },
  );
}

/** Success split by the dataset's item kinds (photo, art, graphic, ...), when the run's items carry kinds. */
function kindTable(id: string, runIds: readonly string[], s: AttackSummary): Block | undefined {
  const rows = Object.entries(s.algorithms).flatMap(([algo, a]) =>
    Object.entries(a.byKind ?? {}).map(([kind, k]) => ({
      runIds,
      cells: [
        textCell(algo),
        textCell(kind),
        {
          text: `${k.successes}/${k.n} ${pct(k.n ? k.successes / k.n : 0)} [${pct(k.ci[0])}, ${pct(k.ci[1])}]`,
          value: { k: k.successes, n: k.n, lower: k.ci[0], upper: k.ci[1] },
        },
      ],
    })),
  );
  if (rows.length === 0) return undefined;
  return {
    kind: 'table',
    id: `${id}-by-kind`,
    caption:
      'Attack success per hasher and image kind (published success rates are for natural photographs; saturated graphics leave little room at a PSNR floor)',
    runIds,
    columns: [
      { key: 'algo', label: 'Hasher' },
      { key: 'kind', label: 'Image kind' },
      { key: 'success', label: 'Success [95% CI]', numeric: true },
    ],
    rows,
  };
}

/** Evasion: what the images allow at the run's PSNR floor (re-encode; linear model's bound and least change). */
function reachTable(id: string, runIds: readonly string[], s: AttackSummary, minPsnr: number): Block | undefined {
  const share = (k: KindSuccess): Cell => ({
    text: `${k.successes}/${k.n} ${pct(k.n ? k.successes / k.n : 0)} [${pct(k.ci[0])}, ${pct(k.ci[1])}]`,
    value: { k: k.successes, n: k.n, lower: k.ci[0], upper: k.ci[1] },
  });
  const rows = Object.entries(s.algorithms).flatMap(([algo, a]) =>
    a.reach
      ? [
          {
            runIds,
            cells: [
              textCell(algo),
              numberCell(a.reach.n),
              numberCell(a.reach.reencodeBelow),
              numberCell(a.reach.outOfReach),
              numberCell(a.reach.beyondLeastChange),
              share(a.reach.withinBound),
              share(a.reach.withinLeastChange),
            ],
          },
        ]
      : [],
  );
  if (rows.length === 0) return undefined;
  return {
    kind: 'table',
    id: `${id}-reach`,
    caption: `What the images allow at ${minPsnr} dB, computed per image: those whose own JPEG re-encode already costs more (out of reach whatever the hash), and for hashers with a linear model (aHash, dHash, pHash, PDQ; white-box) those no attack could evade (an upper bound on the PSNR of any image past τ lies below the floor) and those whose least change found in the model, with the re-encode's error, lies below it (for other hashers: the re-encode alone), with the attack's success among the images each leaves`,
    runIds,
    columns: [
      { key: 'algo', label: 'Hasher' },
      { key: 'n', label: 'Images', numeric: true },
      { key: 'reencode', label: 'Re-encode below floor', numeric: true },
      { key: 'out', label: 'Out of reach (bound)', numeric: true },
      { key: 'beyond', label: 'Beyond least change', numeric: true },
      { key: 'withinBound', label: 'Success within bound [95% CI]', numeric: true },
      { key: 'withinLeast', label: 'Success within least change [95% CI]', numeric: true },
    ],
    rows,
  };
}

function attackSection(r: RunWithSummary<AttackSummary>, several: boolean): ReportSection {
  const { input, summary: s } = r;
  const runIds = [input.run.id];
  const id = runSectionId(`attack-${s.kind}`, input, several);
  const cfg = input.run.config as { mode?: string; minPsnr?: number; maxQueries?: number; out?: string };
  const what =
    s.kind === 'evade'
      ? `Evasion: each image pushed more than τ from its own hash`
      : `Forced collisions: each innocuous source pushed within τ of a target hash`;
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `${what} (${cfg.mode ?? ''} mode, at least ${cfg.minPsnr ?? 0} dB PSNR, at most ${cfg.maxQueries ?? ''} hash queries per image). Success is decided by scanlab's exact hash of the JPEG (q = 90) written for each image, as an upload would carry it; intervals are Clopper–Pearson 95%.`,
      ],
    },
    {
      kind: 'table',
      id: `${id}-summary`,
      caption: 'Attack success per hasher (queries, PSNR, SSIM and L∞ over successes)',
      runIds,
      columns: [
        { key: 'algo', label: 'Hasher' },
        { key: 'tau', label: 'τ', numeric: true },
        { key: 'n', label: 'Images', numeric: true },
        { key: 'success', label: 'Success [95% CI]', numeric: true },
        { key: 'queries', label: 'Queries p50 / p90', numeric: true },
        { key: 'psnr', label: 'PSNR p50 (dB)', numeric: true },
        { key: 'ssim', label: 'SSIM p50', numeric: true },
        { key: 'linf', label: 'L∞ p50', numeric: true },
        { key: 'seconds', label: 's / image', numeric: true },
      ],
      rows: Object.entries(s.algorithms).map(([algo, a]) => ({
        runIds,
        cells: [
          textCell(algo),
          numberCell(a.tau),
          numberCell(a.n),
          {
            text: `${a.successes}/${a.n} ${pct(a.successRate)} [${pct(a.ci[0])}, ${pct(a.ci[1])}]`,
            value: { k: a.successes, n: a.n, lower: a.ci[0], upper: a.ci[1] },
          },
          textCell(`${opt(a.queriesMedian, 0)} / ${opt(a.queriesP90, 0)}`),
          textCell(opt(a.psnrMedian, 1)),
          textCell(opt(a.ssimMedian, 3)),
          textCell(opt(a.linfMedian, 0)),
          textCell(opt(a.secondsPerImage, 2)),
        ],
      })),
    },
    curve(`${id}-budget`, runIds, s, 'byBudget'),
    curve(`${id}-psnr`, runIds, s, 'byPsnr'),
  ];
  const byKind = kindTable(id, runIds, s);
  if (byKind) blocks.push(byKind);
  const reach = reachTable(id, runIds, s, cfg.minPsnr ?? 0);
  if (reach) blocks.push(reach);
  const defences = input.artifacts.defences as readonly DefenceRow[] | undefined;
  if (defences)
    blocks.push({
      kind: 'table',
      id: `${id}-defences`,
      caption: 'Defences and their price: the attack success under each defence beside its false-positive rate',
      runIds,
      columns: [
        { key: 'algo', label: 'Hasher' },
        { key: 'defence', label: 'Defence' },
        { key: 'success', label: 'Attack success [95% CI]', numeric: true },
        { key: 'fpr', label: 'FPR [95% CI]', numeric: true },
      ],
      rows: defences.map((d) => ({
        runIds,
        cells: [
          textCell(d.algo),
          textCell(d.defence),
          textCell(`${d.successes}/${d.n} [${pct(d.ci[0])}, ${pct(d.ci[1])}]`),
          d.fpr
            ? textCell(`${d.fpr.k}/${d.fpr.n} [${d.fpr.lower.toExponential(1)}, ${d.fpr.upper.toExponential(1)}]`)
            : textCell(d.note ?? '–'),
        ],
      })),
    });
  const sheet = input.artifacts['contact-sheet'] as ContactSheet | undefined;
  if (sheet)
    blocks.push({
      kind: 'image',
      id: `${id}-sheet`,
      title: 'Originals (top) and their adversarial JPEGs q = 90 (bottom)',
      description: `Columns: ${sheet.columns.map((c) => `${c.id} (${c.algo})`).join(', ')}. Each adversarial image is the very file whose hash decided success.`,
      runIds,
      pngBase64: sheet.pngBase64,
    });
  if (cfg.out)
    blocks.push({
      kind: 'text',
      paragraphs: [`Contact sheet: ${cfg.out}/contact-sheet.jpg; every adversarial image is ${cfg.out}/ALGO/NAME.jpg.`],
    });
  return {
    id,
    title: runTitle(s.kind === 'evade' ? 'Adversarial evasion' : 'Forced collisions', input, several),
    runIds,
    blocks,
    keyNumbers: Object.entries(s.algorithms).map(([algo, a]) => ({
      label: s.kind === 'evade' ? 'Evasion success' : 'Forced-collision success',
      subject: algo,
      cell: numberCell(a.successRate, `${pct(a.successRate)} [${pct(a.ci[0])}, ${pct(a.ci[1])}]`),
      runIds,
    })),
  };
}

export const attackContributor: SectionContributor = {
  id: 'attack',
  kinds: ['attack-evade', 'attack-collide'],
  contribute(ctx) {
    return ['attack-evade', 'attack-collide'].flatMap((kind) => {
      const runs = summariesOf<AttackSummary>(ctx, kind);
      return runs.map((r) => attackSection(r, runs.length > 1));
    });
  },
};
