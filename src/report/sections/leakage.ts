// Leakage sections: hash inversion (contact sheet inline, re-identification vs chance, SSIM/PSNR, the re-hash
// baseline), attribute leakage vs the majority baseline, and the measured who-learns-what table of the protocols.
import type { AttributesSummary } from '../../leakage/attributes-run.js';
import type { InversionStudyResult, MethodResult } from '../../leakage/inversion-study.js';
import type { ContactSheetArtifact } from '../../leakage/invert-run.js';
import type { Measurement } from '../../leakage/protocol-attempts.js';
import type { ProtocolLeakageSummary } from '../../leakage/protocol-leakage.js';
import type { ReidentificationRates } from '../../leakage/reidentify.js';
import { runSectionId, runTitle, summariesOf, type SectionContributor } from '../context.js';
import { numberCell, textCell } from '../format.js';
import type { Block, Cell, ReportSection } from '../model.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const rateCell = (x: number, i: readonly [number, number]): Cell => ({
  text: `${pct(x)} [${pct(i[0])}, ${pct(i[1])}]`,
  value: { estimate: x, lower: i[0], upper: i[1] },
});

/** The candidate-set size a report shows first: 100 where the run has it, else the largest. */
export const shownN = (r: InversionStudyResult): number =>
  r.candidates.includes(100) ? 100 : Math.max(...r.candidates, 0);

/** Targets only this method / only the baseline ranks first, and the exact McNemar p-value of the split. */
function pairedCell(m: MethodResult, n: number): Cell {
  const p = m.paired?.byCandidates[String(n)];
  return m.paired && p
    ? { text: `vs ${m.paired.against} +${p.better}/−${p.worse}, p = ${p.pValue.toPrecision(2)}`, value: { ...p } }
    : textCell('—');
}

function inversionBlocks(
  r: InversionStudyResult & { synthetic?: boolean },
  sheet: ContactSheetArtifact | undefined,
  runIds: readonly string[],
  id: string,
): Block[] {
  const n = shownN(r);
  const rows = r.algorithms.flatMap((a) =>
    Object.values(a.methods).map((m) => {
      const x: ReidentificationRates | undefined = m.byCandidates[String(n)];
      const rh = a.rehash[String(n)];
      return {
        runIds,
        cells: [
          textCell(a.algo),
          textCell(m.method + (m.method === a.primary ? ' (primary)' : '')),
          x ? rateCell(x.rank1, x.rank1Interval) : textCell('—'),
          x ? rateCell(x.rank5, x.rank5Interval) : textCell('—'),
          textCell(x ? `${pct(x.chance1)} / ${pct(x.chance5)}` : '—'),
          numberCell(m.ssim.mean, m.ssim.mean.toFixed(3)),
          numberCell(m.psnr.mean, m.psnr.mean.toFixed(1)),
          numberCell(m.bitAgreement.mean, pct(m.bitAgreement.mean)),
          pairedCell(m, n),
          rh ? rateCell(rh.rank1, rh.rank1Interval) : textCell('—'),
        ],
      };
    }),
  );
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `Each of ${r.targets} photos (one per near-duplicate group of ${r.images} images${r.synthetic ? '; SYNTHETIC dataset' : ''}) was reconstructed from its hash alone — analytically where the hash is a known transform (±1 per bit, transform inverted), by search with a smoothness prior for the others, and by a ridge map from bits to a 16×16 RGB picture trained on the other folds' images (cross-fitted by group, so no photo helps reconstruct itself), and by that map's picture — alone (whitened) or averaged with the analytic one (combined) — whitened by the training photos' spectrum (each DCT coefficient divided by its typical amplitude in the training thumbnails), which weighs every frequency by the evidence it carries; the primary method is combined where the transform is known, else whitened. The reconstruction then ranks N candidate photos by the luma correlation with each candidate's own 32×32 thumbnail; rank-1 is how often the true photo comes first.`,
        `Re-hashing the candidates identifies the photo outright (last column): a perceptual hash is an identifier to anyone who holds the candidates. The reconstructions show what it reveals to someone who does not hash: what the photo looks like.`,
      ],
    },
  ];
  if (sheet)
    blocks.push({
      kind: 'image',
      id: `${id}-sheet`,
      title: 'Originals and their reconstructions from the hash alone',
      description: `Rows: ${sheet.rows.join(', ')}. Columns: ${sheet.columns.join(', ')}.`,
      runIds,
      pngBase64: sheet.pngBase64,
    });
  blocks.push({
    kind: 'table',
    id: `${id}-reid`,
    caption: `Re-identification among N = ${n} candidates, SSIM/PSNR of reconstructions vs the originals' thumbnails, bits the reconstruction hashes back to, each method against the baseline inverse on the same targets (analytic, else learned: targets only one of them ranks first, exact McNemar p), and the re-hash baseline (95% Wilson intervals, one target per group)`,
    runIds,
    columns: [
      { key: 'algo', label: 'Algorithm' },
      { key: 'method', label: 'Method' },
      { key: 'rank1', label: 'Rank-1', numeric: true },
      { key: 'rank5', label: 'Rank-5', numeric: true },
      { key: 'chance', label: 'Chance 1/N, 5/N', numeric: true },
      { key: 'ssim', label: 'SSIM', numeric: true },
      { key: 'psnr', label: 'PSNR dB', numeric: true },
      { key: 'bits', label: 'Own-hash bits', numeric: true },
      { key: 'paired', label: 'Paired vs baseline' },
      { key: 'rehash', label: 'Re-hash rank-1', numeric: true },
    ],
    rows,
    notes: [
      `Other N: ${r.candidates
        .filter((c) => c !== n)
        .map(
          (c) =>
            `N = ${c}: ` +
            r.algorithms
              .map((a) => {
                const x = a.methods[a.primary]?.byCandidates[String(c)];
                return x ? `${a.algo} ${pct(x.rank1)}` : `${a.algo} —`;
              })
              .join(', '),
        )
        .join(
          '; ',
        )}.${r.skippedCandidates.length ? ` Not enough groups for N = ${r.skippedCandidates.join(', ')}.` : ''}`,
    ],
  });
  return blocks;
}

function attributeBlocks(s: AttributesSummary, runIds: readonly string[], id: string): Block[] {
  return [
    {
      kind: 'table',
      id: `${id}-attributes`,
      caption: `Labels predicted from hash bits (logistic regression and 5-nearest neighbours, cross-validated by group, one image per group scored) against the majority class of the training folds (95% Wilson intervals)${s.synthetic ? '; SYNTHETIC dataset' : ''}`,
      runIds,
      columns: [
        { key: 'label', label: 'Label' },
        { key: 'algo', label: 'Algorithm' },
        { key: 'n', label: 'n', numeric: true },
        { key: 'majority', label: 'Majority baseline', numeric: true },
        { key: 'logistic', label: 'Logistic', numeric: true },
        { key: 'knn', label: 'k-NN', numeric: true },
      ],
      rows: s.results.map((r) => ({
        runIds,
        cells: [
          textCell(r.label),
          textCell(r.algo),
          numberCell(r.n),
          rateCell(r.majority.rate, r.majority.interval),
          rateCell(r.classifiers.logistic.rate, r.classifiers.logistic.interval),
          rateCell(r.classifiers.knn.rate, r.classifiers.knn.interval),
        ],
      })),
      notes: s.skipped.map((k) => `Label ${k.label} not studied: ${k.reason}.`),
    },
  ];
}

function whoLearnsWhatBlocks(rows: readonly Measurement[], runIds: readonly string[], id: string): Block[] {
  const f = (x: number): string => x.toFixed(3);
  return [
    {
      kind: 'table',
      id: `${id}-who`,
      caption:
        'Who learns what: each cell is an inference attempted on the parties’ received messages (rates with 95% Wilson intervals, AUCs with Hanley–McNeil intervals), beside what guessing scores',
      runIds,
      columns: [
        { key: 'protocol', label: 'Protocol' },
        { key: 'party', label: 'Party' },
        { key: 'learns', label: 'Tries to learn' },
        { key: 'value', label: 'Measured', numeric: true },
        { key: 'chance', label: 'Chance', numeric: true },
        { key: 'n', label: 'n', numeric: true },
      ],
      rows: rows.map((r) => ({
        runIds,
        cells: [
          textCell(r.subject),
          textCell(r.party),
          textCell(r.learns),
          {
            text: `${r.unit === 'AUC' ? 'AUC ' : ''}${f(r.value)} [${f(r.interval[0])}, ${f(r.interval[1])}]`,
            value: { estimate: r.value, lower: r.interval[0], upper: r.interval[1] },
          },
          numberCell(r.chance, f(r.chance)),
          numberCell(r.n),
        ],
      })),
      notes: [...new Map(rows.map((r) => [r.attempt, r.how])).entries()].map(([a, h]) => `${a}: ${h}.`),
    },
  ];
}

export const leakageContributor: SectionContributor = {
  id: 'leakage',
  kinds: ['leakage-invert', 'leakage-attributes', 'leakage-protocols'],
  contribute(ctx) {
    const sections: ReportSection[] = [];
    const inv = summariesOf<InversionStudyResult & { synthetic?: boolean }>(ctx, 'leakage-invert');
    for (const r of inv) {
      const id = runSectionId('leakage-invert', r.input, inv.length > 1);
      const runIds = [r.input.run.id];
      sections.push({
        id,
        title: runTitle('What a hash reveals: inversion and re-identification', r.input, inv.length > 1),
        runIds,
        blocks: inversionBlocks(
          r.summary,
          r.input.artifacts['contact-sheet'] as ContactSheetArtifact | undefined,
          runIds,
          id,
        ),
        keyNumbers: r.summary.algorithms.flatMap((a) => {
          const x = a.methods[a.primary]?.byCandidates[String(shownN(r.summary))];
          return x
            ? [
                {
                  label: `re-identified from the hash alone, rank-1 of ${x.candidates}`,
                  subject: a.algo,
                  cell: rateCell(x.rank1, x.rank1Interval),
                  runIds,
                },
              ]
            : [];
        }),
      });
    }
    const attrs = summariesOf<AttributesSummary>(ctx, 'leakage-attributes');
    for (const r of attrs) {
      const id = runSectionId('leakage-attributes', r.input, attrs.length > 1);
      sections.push({
        id,
        title: runTitle('What a hash reveals: attributes', r.input, attrs.length > 1),
        runIds: [r.input.run.id],
        blocks: attributeBlocks(r.summary, [r.input.run.id], id),
      });
    }
    const protos = summariesOf<ProtocolLeakageSummary>(ctx, 'leakage-protocols');
    for (const r of protos) {
      const id = runSectionId('leakage-protocols', r.input, protos.length > 1);
      sections.push({
        id,
        title: runTitle('What each protocol lets each party learn', r.input, protos.length > 1),
        runIds: [r.input.run.id],
        blocks: whoLearnsWhatBlocks(r.summary.rows, [r.input.run.id], id),
      });
    }
    return sections;
  },
};
