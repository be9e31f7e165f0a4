// PSI sections: per stored `psi` run, its costs, its correctness against the plaintext truth (near-duplicate protocols:
// plaintext Hamming matching at r, with their parameters and what each party observed about non-matching photos), and
// a summary of each party's transcript (messages and bytes received, values it computed).
import { formatFuzzyReport } from '../../psi/protocols/fuzzy/observations.js';
import type { PsiSummary } from '../../psi/summary.js';
import type { StoredTranscript } from '../../psi/transcript.js';
import { runSectionId, runTitle, summariesOf, type SectionContributor } from '../context.js';
import { formatFixed, numberCell, textCell } from '../format.js';
import type { Cell, ReportSection } from '../model.js';

function transcriptLine(t: StoredTranscript | undefined, party: string): string {
  if (!t) return `${party}: no transcript stored.`;
  const received = t.events.filter((e) => e.kind === 'received');
  const bytes = received.reduce((a, e) => a + (e.kind === 'received' ? e.length : 0), 0);
  const computed = [...new Set(t.events.flatMap((e) => (e.kind === 'computed' ? [e.what] : [])))];
  return `${party}: received ${received.length} messages, ${bytes} bytes; computed ${computed.length ? computed.join(', ') : 'nothing it records'}.`;
}

export const psiContributor: SectionContributor = {
  id: 'psi',
  kinds: ['psi'],
  contribute(ctx) {
    const runs = summariesOf<PsiSummary>(ctx, 'psi');
    return runs.map(({ input, summary: s }): ReportSection => {
      const id = runSectionId('psi', input, runs.length > 1);
      const runIds = [input.run.id];
      const a = s.accuracy;
      const row = (label: string, value: Cell) => ({ runIds, cells: [textCell(label), value] });
      const n = (x: number | undefined): Cell => (x === undefined ? textCell('—') : numberCell(x));
      return {
        id,
        title: runTitle(`Private set intersection: ${s.config.protocol}`, input, runs.length > 1),
        runIds,
        blocks: [
          {
            kind: 'table',
            id: `${id}-costs`,
            caption: `Costs and correctness of ${s.config.protocol} (${s.databaseSize} database entries, ${s.photos} photos; the ${a.learner} learns ${a.outcome})`,
            runIds,
            columns: [
              { key: 'what', label: 'Measure' },
              { key: 'value', label: 'Value', numeric: true },
            ],
            rows: [
              row('client ms per photo', numberCell(s.clientMsPerPhoto, formatFixed(s.clientMsPerPhoto, 3))),
              row('server ms per photo', numberCell(s.serverMsPerPhoto, formatFixed(s.serverMsPerPhoto, 3))),
              row('server setup ms', numberCell(s.serverSetupMs, formatFixed(s.serverSetupMs, 1))),
              row('published bytes', numberCell(s.publishedBytes)),
              row(
                'bytes per photo client → server',
                numberCell(s.bytesPerPhoto.clientToServer, formatFixed(s.bytesPerPhoto.clientToServer, 1)),
              ),
              row(
                'bytes per photo server → client',
                numberCell(s.bytesPerPhoto.serverToClient, formatFixed(s.bytesPerPhoto.serverToClient, 1)),
              ),
              row(
                s.fuzzy
                  ? `matches expected (plaintext Hamming, distance ≤ ${s.fuzzy.params.maxDistance})`
                  : 'matches expected (plaintext truth)',
                numberCell(a.expected),
              ),
              row('matches found', numberCell(a.found)),
              row('true positives', n(a.truePositives)),
              row('false positives', n(a.falsePositives)),
              row('false negatives', n(a.falseNegatives)),
              row('withheld by design', n(a.withheldByDesign)),
            ],
          },
          ...(s.fuzzy
            ? [
                {
                  kind: 'list' as const,
                  title: 'Near-duplicate matching (judged against plaintext Hamming matching at r)',
                  items: formatFuzzyReport(s.fuzzy),
                },
              ]
            : []),
          {
            kind: 'list',
            title: 'Transcripts',
            items: [
              transcriptLine(input.artifacts['transcript:client'] as StoredTranscript | undefined, 'Client'),
              transcriptLine(input.artifacts['transcript:server'] as StoredTranscript | undefined, 'Server'),
            ],
          },
        ],
      };
    });
  },
};
