// Builds a report from loaded runs: every contributor adds its sections, then the key numbers they flagged are
// gathered into an opening section, with the runs they came from.
import type { ReportContext, SectionContributor } from './context.js';
import { REPORT_CONTRIBUTORS } from './contributors.js';
import { textCell } from './format.js';
import type { ReportInput } from './inputs.js';
import { unionRunIds, type Block, type KeyNumber, type Report, type ReportSection, type TableRow } from './model.js';
import { resolveReportOptions, type ReportOptions } from './options.js';
import { ReportError } from './errors.js';

export { ReportError };

/** Key numbers with subjects become one table (subject × quantity); the others a quantity/value table. */
function keyNumbersSection(numbers: readonly KeyNumber[]): ReportSection | null {
  if (numbers.length === 0) return null;
  const blocks: Block[] = [];
  const withSubject = numbers.filter((k) => k.subject !== undefined);
  const labels = [...new Set(withSubject.map((k) => k.label))];
  const subjects = [...new Set(withSubject.map((k) => k.subject!))];
  if (withSubject.length) {
    const rows: TableRow[] = subjects.map((subject) => {
      const mine = withSubject.filter((k) => k.subject === subject);
      return {
        runIds: unionRunIds(...mine.map((k) => k.runIds)),
        cells: [
          textCell(subject),
          ...labels.map((label) => mine.find((k) => k.label === label)?.cell ?? { text: '—', value: null }),
        ],
      };
    });
    blocks.push({
      kind: 'table',
      id: 'key-numbers-by-algorithm',
      caption:
        "Key numbers per algorithm, each at the algorithm's operating threshold (details and sources in the sections below)",
      runIds: unionRunIds(...withSubject.map((k) => k.runIds)),
      columns: [
        { key: 'subject', label: 'Algorithm' },
        ...labels.map((label) => ({ key: label, label, numeric: true })),
      ],
      rows,
    });
  }
  const plain = numbers.filter((k) => k.subject === undefined);
  if (plain.length) {
    blocks.push({
      kind: 'table',
      id: 'key-numbers-other',
      caption: 'Other key numbers',
      runIds: unionRunIds(...plain.map((k) => k.runIds)),
      columns: [
        { key: 'label', label: 'Quantity' },
        { key: 'value', label: 'Value', numeric: true },
        { key: 'runs', label: 'Runs' },
      ],
      rows: plain.map((k) => ({ runIds: k.runIds, cells: [textCell(k.label), k.cell, textCell(k.runIds.join(', '))] })),
    });
  }
  return { id: 'key-numbers', title: 'Key numbers', runIds: unionRunIds(...numbers.map((k) => k.runIds)), blocks };
}

export function buildReport(
  inputs: readonly ReportInput[],
  options: ReportOptions = {},
  contributors: readonly SectionContributor[] = REPORT_CONTRIBUTORS,
): Report {
  if (inputs.length === 0) throw new ReportError('a report needs at least one run');
  const resolved = resolveReportOptions(options);
  const kinds = new Set(contributors.flatMap((c) => c.kinds));
  const ctx: ReportContext = { inputs, options: resolved, uncovered: inputs.filter((i) => !kinds.has(i.run.kind)) };
  const contributed = contributors.flatMap((c) => c.contribute(ctx));
  const key = keyNumbersSection(contributed.flatMap((s) => s.keyNumbers ?? []));
  const sections = key ? [key, ...contributed] : contributed;
  const ids = new Set<string>();
  for (const s of sections) {
    for (const id of [s.id, ...s.blocks.flatMap((b) => (b.kind === 'table' || b.kind === 'chart' ? [b.id] : []))]) {
      if (ids.has(id)) throw new ReportError(`two report parts share the id "${id}"`);
      ids.add(id);
    }
  }
  return { title: resolved.title, generatedAt: resolved.now.toISOString(), runs: inputs.map((i) => i.run), sections };
}
