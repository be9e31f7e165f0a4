// `scanlab report RUN...`: an evaluation report (index.html, report.md, report.json) from stored runs.
import type { Command } from 'commander';
import { join } from 'node:path';
import { parseThresholds } from '../eval/thresholds.js';
import { RunStore } from '../eval/store.js';
import { buildReport } from '../report/build.js';
import { loadReportInputs } from '../report/inputs.js';
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../report/write.js';
import { UsageError } from './errors.js';
import { parseList } from './options.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface ReportCommandOptions {
  store: string;
  out?: string;
  format: string;
  thresholds?: string;
  title?: string;
  dbSize?: string;
  photosPerYear?: string;
  accountThreshold?: string;
  correlation?: string;
}

/** A comma-separated list of numbers for a scenario option; each must pass `ok`. */
function numberList(
  name: string,
  text: string | undefined,
  ok: (x: number) => boolean,
  what: string,
): number[] | undefined {
  if (text === undefined) return undefined;
  return parseList(text).map((item) => {
    const x = Number(item);
    if (!Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} takes ${what}, not "${item}"`);
    return x;
  });
}

export function parseFormats(text: string): ReportFormat[] {
  const formats = [...new Set(parseList(text))];
  for (const f of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f))
      throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')}, not "${f}"`);
  }
  return formats as ReportFormat[];
}

async function reportCommand(refs: string[], o: ReportCommandOptions): Promise<void> {
  const formats = parseFormats(o.format);
  let thresholds: Record<string, number>;
  try {
    thresholds = parseThresholds(o.thresholds);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const store = RunStore.openExisting(o.store);
  try {
    const inputs = await loadReportInputs(store, refs);
    const outDir = o.out ?? join('reports', inputs[0]!.run.id);
    const report = buildReport(inputs, {
      thresholds,
      title: o.title,
      dbSizes: numberList('db-size', o.dbSize, (x) => x >= 1, 'database sizes ≥ 1, e.g. 1e6,5e7'),
      photoVolumes: numberList(
        'photos-per-year',
        o.photosPerYear,
        (x) => Number.isInteger(x) && x >= 1,
        'positive integers',
      ),
      accountThresholds: numberList(
        'account-threshold',
        o.accountThreshold,
        (x) => Number.isInteger(x) && x >= 1,
        'positive integers',
      ),
      correlations: numberList('correlation', o.correlation, (x) => x >= 0 && x < 1, 'correlations in [0, 1)'),
    });
    for (const i of inputs) {
      if (i.artifacts.summary === undefined)
        process.stderr.write(
          `scanlab: run ${i.run.id} (${i.run.kind}, ${i.run.status}) has no summary yet; the report lists it without results\n`,
        );
    }
    const paths = await writeReport(report, outDir, formats);
    process.stdout.write(paths[0] + '\n');
  } finally {
    store.close();
  }
}

export function registerReportCommand(program: Command): void {
  addStoreOption(
    program
      .command('report')
      .description('write an evaluation report (self-contained index.html, report.md, report.json) from stored runs')
      .argument('<runs...>', 'run ids, id prefixes or names'),
  )
    .option('--out <dir>', 'output folder (default reports/<first run id>)')
    .option('--format <list>', `comma-separated formats: ${REPORT_FORMATS.join(', ')}`, REPORT_FORMATS.join(','))
    .option(
      '--thresholds <list>',
      "operating thresholds (Hamming distances), e.g. pdq=31,phash=8 (default: each algorithm's standard threshold)",
    )
    .option('--title <text>', 'report title')
    .option('--db-size <list>', 'database sizes D for the population tables (default 1e6,1e7,1e8)')
    .option('--photos-per-year <list>', 'photos per account per year n (default 1000,10000)')
    .option('--account-threshold <list>', 'account thresholds t tabulated (default 1,3,10,30)')
    .option('--correlation <list>', 'intra-account correlations ρ of false matches (default 0: independent photos)')
    .action(runAction(reportCommand));
}
