// The claims section: Apple's one-in-a-trillion per account per year (threshold 30) and Meta's PDQ threshold of 31,
// recomputed with this tool, each with the assumptions that make it true and what breaks it, and a chart of the
// per-account probability against photos a year for several intra-account correlations.
import {
  APPLE_ACCOUNT_THRESHOLD,
  APPLE_ASSUMPTIONS,
  APPLE_PHOTO_FPR,
  APPLE_TARGET,
  appleClaimCurves,
  appleClaimRows,
  CLAIM_CORRELATIONS,
  CLAIM_VOLUMES,
  META_ASSUMPTIONS,
  META_PDQ_THRESHOLD,
} from '../../eval/claims.js';
import type { FprSummary } from '../../eval/fpr.js';
import { total } from '../../eval/histogram.js';
import { DIHEDRAL_COMPARISONS, perPhotoFalseMatch } from '../../eval/population.js';
import { fitTailModels, formatLog10, fprBand, validateTailModels } from '../../eval/tail-models.js';
import { chartBlock } from '../charts/common.js';
import { summariesOf, type SectionContributor } from '../context.js';
import { emptyCell, formatCount, numberCell, textCell } from '../format.js';
import type { Block, Cell, ReportSection, TableRow } from '../model.js';

const logCell = (log10: number): Cell => ({ text: formatLog10(log10, 2), value: { log10 } });

function appleBlocks(): Block[] {
  const rows: TableRow[] = appleClaimRows().map((r) => ({
    runIds: [],
    cells: [
      numberCell(r.correlation, String(r.correlation)),
      textCell(r.dihedral ? `8 (p = ${(8 * APPLE_PHOTO_FPR).toExponential(0)})` : '1'),
      ...r.log10AtVolume.map(logCell),
      r.maxPhotosPerYear === null
        ? emptyCell()
        : numberCell(r.maxPhotosPerYear, r.maxPhotosPerYear.toLocaleString('en-US')),
    ],
  }));
  const curves = appleClaimCurves();
  const floor = -40;
  const description =
    `P(account flagged in a year) for p = ${APPLE_PHOTO_FPR} per photo and t = ${APPLE_ACCOUNT_THRESHOLD}, against photos a year (log–log, ` +
    `axis from 1e${floor}), for intra-account correlations ${CLAIM_CORRELATIONS.join(', ')}; the horizontal rule is Apple's target of ${APPLE_TARGET}. ` +
    `Independent photos cross it at ${(5_773_006).toLocaleString('en-US')} photos a year; with ρ = 1e-4 at ${appleClaimRows()[2]?.maxPhotosPerYear?.toLocaleString('en-US')}.`;
  const chart = chartBlock(
    {
      id: 'claims-apple-correlation',
      title: `Per-account false-flag probability vs photos a year (p = ${APPLE_PHOTO_FPR}, t = ${APPLE_ACCOUNT_THRESHOLD})`,
      description,
      runIds: [],
      data: curves.map((c) => ({
        correlation: `ρ = ${c.correlation}`,
        photosPerYear: c.photosPerYear,
        log10Probability: Math.max(c.log10Probability, floor),
      })),
    },
    {
      title: {
        text: `Per-account false-flag probability vs photos a year (p = ${APPLE_PHOTO_FPR}, t = ${APPLE_ACCOUNT_THRESHOLD})`,
        subtitle: 'stated inputs, no run',
        anchor: 'start',
      },
      width: 420,
      height: 260,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'photosPerYear', type: 'quantitative', scale: { type: 'log' }, title: 'Photos a year (log)' },
            y: {
              field: 'log10Probability',
              type: 'quantitative',
              scale: { domain: [floor, 0] },
              title: 'log10 P(account flagged in a year)',
            },
            color: { field: 'correlation', type: 'nominal', title: 'Intra-account correlation' },
          },
        },
        {
          data: { values: [{ y: Math.log10(APPLE_TARGET) }] },
          mark: { type: 'rule', strokeDash: [4, 3] },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
  );
  return [
    {
      kind: 'text',
      paragraphs: [
        `Apple's 2021 design (Security Threat Model Review of Apple's Child Safety Features) set an account threshold of t = ${APPLE_ACCOUNT_THRESHOLD} matches ` +
          `and claimed less than a one-in-one-trillion (${APPLE_TARGET}) chance a year of flagging a given account by mistake. With a per-photo false-match ` +
          `probability of one in a million and independent photos, the binomial tail P[Bin(n, ${APPLE_PHOTO_FPR}) ≥ ${APPLE_ACCOUNT_THRESHOLD}] first reaches ` +
          `${APPLE_TARGET} at n = 5,773,006 photos a year: the claim holds for any realistic library, under its assumptions.`,
        `Those assumptions carry the result. If an account's photos share their chance of a false match (bursts of one scene, screenshots of one app, ` +
          `a face that resembles a database image), the count is beta-binomial with intra-account correlation ρ: at n = 10^4 photos, ρ = 1e-4 gives 6.1e-13 ` +
          `instead of 3.6e-93, and ρ = 1e-3 gives 1.7e-5, seven orders of magnitude above the target. Matching rotations and mirror images multiplies ` +
          `the comparisons, a larger database raises p in proportion, and heavy uploaders move n to the right on the chart.`,
      ],
    },
    { kind: 'list', title: "Assumptions behind Apple's figure", items: APPLE_ASSUMPTIONS },
    {
      kind: 'table',
      id: 'claims-apple',
      caption: `Apple's check recomputed: P(account flagged in a year) for p = ${APPLE_PHOTO_FPR}, t = ${APPLE_ACCOUNT_THRESHOLD}, by intra-account correlation and comparisons per photo, and the largest volume that stays under ${APPLE_TARGET}`,
      runIds: [],
      columns: [
        { key: 'rho', label: 'Correlation ρ', numeric: true },
        { key: 'comparisons', label: 'Comparisons per photo' },
        ...CLAIM_VOLUMES.map((n) => ({ key: `n${n}`, label: `n = ${formatCount(n)}`, numeric: true })),
        { key: 'maxN', label: `Largest n with P ≤ ${APPLE_TARGET}`, numeric: true },
      ],
      rows,
    },
    chart,
  ];
}

function metaBlocks(ctx: Parameters<SectionContributor['contribute']>[0]): Block[] {
  const rows: TableRow[] = [];
  for (const { input, summary } of summariesOf<FprSummary>(ctx, 'fpr')) {
    for (const algo of ['pdq', 'pdq-dihedral']) {
      const a = summary.algos[algo];
      if (!a || total(a) === 0) continue;
      const band = fprBand(fitTailModels(a, a.images), validateTailModels(a, a.images), META_PDQ_THRESHOLD);
      if (!band) continue;
      // pdq-dihedral already takes the minimum over the eight; plain pdq makes eight comparisons per entry.
      const comparisons = algo === 'pdq' ? DIHEDRAL_COMPARISONS : 1;
      const photo = (log10Fpr: number, d: number): number =>
        Math.log10(perPhotoFalseMatch(10 ** log10Fpr, d, comparisons));
      for (const d of ctx.options.dbSizes)
        rows.push({
          runIds: [input.run.id],
          cells: [
            textCell(algo),
            textCell(input.run.id),
            {
              text: `[${formatLog10(band.log10Lower, 1)}, ${formatLog10(band.log10Upper, 1)}]`,
              value: { ...band, byModel: null },
            },
            numberCell(d, formatCount(d)),
            numberCell(comparisons),
            {
              text: `[${formatLog10(photo(band.log10Lower, d), 1)}, ${formatLog10(photo(band.log10Upper, d), 1)}]`,
              value: { log10Lower: photo(band.log10Lower, d), log10Upper: photo(band.log10Upper, d) },
            },
          ],
        });
    }
  }
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `Meta's PDQ (ThreatExchange) calls two hashes a match at Hamming distance ≤ ${META_PDQ_THRESHOLD} of 256 bits and matches every rotation and ` +
          `mirror image of a photo. No sample of a few hundred images can measure FPR(${META_PDQ_THRESHOLD}) — no pair of unrelated images comes near it — ` +
          `so any per-photo figure at that threshold is an extrapolation; below it is the band this report's tail models give, with eight comparisons ` +
          `per database entry for plain pdq (the pdq-dihedral row has them built in).`,
      ],
    },
    { kind: 'list', title: "Assumptions behind PDQ's threshold", items: META_ASSUMPTIONS },
  ];
  if (rows.length)
    blocks.push({
      kind: 'table',
      id: 'claims-pdq',
      caption: `PDQ at τ = ${META_PDQ_THRESHOLD}: the tail-model band of FPR per pair, and the per-photo false-match probability against D entries`,
      runIds: [...new Set(rows.flatMap((r) => r.runIds))],
      columns: [
        { key: 'algo', label: 'Algorithm' },
        { key: 'run', label: 'FPR run' },
        { key: 'fpr', label: `FPR at ${META_PDQ_THRESHOLD} (band)`, numeric: true },
        { key: 'D', label: 'Database size D', numeric: true },
        { key: 'comparisons', label: 'Comparisons per entry', numeric: true },
        { key: 'perPhoto', label: 'Per-photo false match (band)', numeric: true },
      ],
      rows,
    });
  return blocks;
}

export const claimsContributor: SectionContributor = {
  id: 'claims',
  kinds: ['fpr'],
  contribute(ctx): ReportSection[] {
    if (summariesOf<FprSummary>(ctx, 'fpr').length === 0) return [];
    const blocks = [...appleBlocks(), ...metaBlocks(ctx)];
    const runIds = [...new Set(blocks.flatMap((b) => (b.kind === 'table' || b.kind === 'chart' ? b.runIds : [])))];
    return [{ id: 'claims', title: 'Published claims, recomputed', runIds, blocks }];
  },
};
