// `scanlab runs list|show|export`: what the run store holds.
import type { Command } from 'commander';
import { exportRows } from '../eval/export.js';
import { pipelineExportRows } from '../pipeline/export.js';
import { PIPELINE_RUN_KIND } from '../pipeline/store-run.js';
import { rowsToParquet } from '../eval/parquet.js';
import { MERGE_RULES, mergeRuns } from '../eval/merge.js';
import { ATTACK_MERGE_RULES } from '../attack/merge.js';
import { RunStore } from '../eval/store.js';
import { csvField } from '../util/csv.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PartialFailure, UsageError } from './errors.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';
import { formatTable } from '../util/table.js';

function withStore<T>(path: string, fn: (store: RunStore) => T): T {
  const store = RunStore.openExisting(path);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

interface ExportOptions {
  store: string;
  format: string;
  what?: string;
  out?: string;
}

/**
 * `runs export`: the rows as CSV, JSON Lines or Parquet, to stdout or written atomically to --out. A run that is not
 * done exports what is stored so far and says so (exit status 1), so a partial file is never taken for a whole one.
 */
async function exportCommand(ref: string, o: ExportOptions): Promise<void> {
  if (o.format !== 'csv' && o.format !== 'jsonl' && o.format !== 'parquet')
    throw new UsageError(`--format must be csv, jsonl or parquet, not "${o.format}"`);
  if (o.format === 'parquet' && o.out === undefined)
    throw new UsageError('--format parquet writes a binary file: give it with --out FILE');
  if (o.what !== undefined && o.what !== 'histogram' && o.what !== 'hashes')
    throw new UsageError('--what must be histogram or hashes');
  const { run, payload } = withStore(o.store, (store) => {
    const run = store.getRun(ref);
    const { columns, rows } =
      run.kind === PIPELINE_RUN_KIND
        ? pipelineExportRows(store, run.id)
        : exportRows(store, run.id, o.what === 'hashes' ? 'hashes' : 'histogram');
    if (o.format === 'parquet')
      return { run, payload: rowsToParquet(columns, rows, { 'scanlab.run': run.id, 'scanlab.kind': run.kind }) };
    const out: string[] = [];
    if (o.format === 'csv') {
      out.push(columns.join(','));
      for (const r of rows)
        out.push(columns.map((c) => csvField(r[c] === null || r[c] === undefined ? '' : String(r[c]))).join(','));
    } else for (const r of rows) out.push(JSON.stringify(r));
    return { run, payload: out.join('\n') + '\n' };
  });
  if (o.out === undefined) process.stdout.write(payload);
  else await writeFileAtomic(o.out, payload);
  if (run.status !== 'done')
    throw new PartialFailure(
      `run ${run.id} is ${run.status}, not done: the export is partial (only the results stored so far); resume the run to complete it`,
    );
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list, show, export and merge stored runs');
  runs
    .command('merge')
    .description('join the shards of one run (each in its own store) into one store; merging again changes nothing')
    .argument('<stores...>', "the shards' store files")
    .requiredOption('--into <file>', 'store to merge into (created if missing)')
    .option('--json', 'print the merge report as JSON')
    .action(
      runAction(async (paths: string[], o: { into: string; json?: boolean }) => {
        const sources = paths.map((p) => RunStore.openExisting(p));
        const into = RunStore.open(o.into);
        try {
          const r = await mergeRuns(sources, into, { ...MERGE_RULES, ...ATTACK_MERGE_RULES });
          const summary = {
            run: r.run.id,
            kind: r.run.kind,
            status: r.run.status,
            count: r.count,
            covered: r.covered,
            missing: r.missing,
            rowsAdded: r.rowsAdded,
            complete: r.complete,
          };
          if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
          else
            process.stdout.write(
              `merged ${r.covered.length} of ${r.count} shards into run ${r.run.id} (${r.run.kind}) in ${o.into}: ` +
                `${r.rowsAdded} rows added${r.complete ? '' : `; missing shards ${r.missing.join(', ')}`}\n`,
            );
        } finally {
          for (const s of sources) s.close();
          into.close();
        }
      }),
    );
  addStoreOption(runs.command('list').description('every run in the store'))
    .option('--json', 'one JSON object per run')
    .action(
      runAction((o: { store: string; json?: boolean }) =>
        withStore(o.store, (store) => {
          const list = store.listRuns();
          if (o.json) for (const r of list) process.stdout.write(JSON.stringify(r) + '\n');
          else
            process.stdout.write(
              formatTable([
                ['id', 'kind', 'name', 'status', 'started', 'seed'],
                ...list.map((r) => [r.id, r.kind, r.name, r.status, r.startedAt, r.seed ?? '']),
              ]),
            );
        }),
      ),
    );
  addStoreOption(
    runs
      .command('show')
      .description('a run: configuration, provenance, artifacts (JSON)')
      .argument('<run>', 'run id, id prefix or name')
      .option('--json', 'accepted for the CLI grammar: the output is JSON either way'),
  ).action(
    runAction((ref: string, o: { store: string }) =>
      withStore(o.store, (store) => {
        const run = store.getRun(ref);
        const artifacts = Object.fromEntries(store.listArtifacts(run.id).map((k) => [k, store.getArtifact(run.id, k)]));
        process.stdout.write(
          JSON.stringify({ ...run, results: store.resultTables(run.id), artifacts }, null, 2) + '\n',
        );
      }),
    ),
  );
  addStoreOption(
    runs.command('export').description("a run's measurements as rows").argument('<run>', 'run id, id prefix or name'),
  )
    .option('--format <fmt>', 'csv, jsonl or parquet (parquet needs --out)', 'csv')
    .option('--what <what>', 'for fpr runs: histogram (default) or hashes')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(runAction(exportCommand));
}
