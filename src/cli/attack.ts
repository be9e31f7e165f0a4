// `scanlab attack evade|collide`: adversarial attacks on every chosen hasher, stored as a run, with their success
// rates, queries and distortion (and, with --fpr-run, what each defence would cost in false positives).
import type { Command } from 'commander';
import { AttackError } from '../attack/attack-image.js';
import { attackDefences, type DefenceRow } from '../attack/defences.js';
import { attackConfig, runAttack, type AttackRunConfig } from '../attack/run.js';
import type { AttackSummary } from '../attack/summary.js';
import { formatTable } from '../util/table.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseAlgos, parseJobs, parseNumberOption, parseThresholdsOption } from './options.js';
import { runAction } from './run-action.js';
import { addShardOption } from './shard-option.js';
import { addStoreOption } from './store-option.js';
import { runStoredExperiment } from './stored-run.js';

interface AttackOptions {
  algo?: string;
  minPsnr?: string;
  maxLinf?: string;
  maxQueries?: string;
  maxDistance?: string;
  thresholds?: string;
  mode?: string;
  method?: string;
  seed: string;
  out?: string;
  limit?: string;
  name?: string;
  jobs?: string;
  store: string;
  resume?: string;
  shard?: string;
  fprRun?: string;
  joint?: boolean;
  json?: boolean;
}

function integer(name: string, text: string, min: number): number {
  const n = parseNumberOption(name, text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be an integer of at least ${min}, not "${text}"`);
  return n;
}

function choice<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`${name} must be one of ${allowed.join(', ')}, not "${text}"`);
  return text as T;
}

function buildConfig(
  kind: 'evade' | 'collide',
  dataset: string | undefined,
  targets: string | undefined,
  o: AttackOptions,
): AttackRunConfig | undefined {
  if (o.resume) return undefined;
  if (!dataset)
    throw new UsageError(`${kind === 'evade' ? '--dataset' : '--sources'} PATH is required (or --resume RUN)`);
  if (!o.algo) throw new UsageError('--algo LIST is required, e.g. --algo pdq,phash');
  if (!o.out) throw new UsageError('--out DIR is required (the adversarial images are written there)');
  const algos = parseAlgos(o.algo);
  const tau = o.maxDistance === undefined ? undefined : integer('--max-distance', o.maxDistance, 0);
  const thresholds = {
    ...(tau === undefined ? {} : Object.fromEntries(algos.map((a) => [a, tau]))),
    ...parseThresholdsOption(o.thresholds),
  };
  try {
    return attackConfig({
      kind,
      dataset,
      ...(targets === undefined ? {} : { targets }),
      algos,
      thresholds,
      mode: choice('--mode', o.mode, ['blackbox', 'whitebox'] as const),
      method: choice('--method', o.method, ['search', 'nes'] as const),
      ...(o.minPsnr === undefined ? {} : { minPsnr: parseNumberOption('--min-psnr', o.minPsnr) }),
      ...(o.maxLinf === undefined ? {} : { maxLinf: parseNumberOption('--max-linf', o.maxLinf) }),
      ...(o.maxQueries === undefined ? {} : { maxQueries: integer('--max-queries', o.maxQueries, 2) }),
      seed: integer('--seed', o.seed, 0),
      out: o.out,
      ...(o.limit === undefined ? {} : { limit: integer('--limit', o.limit, 1) }),
      ...(o.joint ? { joint: true } : {}),
    });
  } catch (e) {
    throw e instanceof AttackError ? new UsageError(e.message) : e;
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const num = (x: number | null, digits = 1): string => (x === null ? '–' : x.toFixed(digits));

export function attackTable(summary: AttackSummary): string {
  const rows = [
    ['algo', 'tau', 'n', 'success [95% CI]', 'queries p50', 'p90', 'PSNR p50', 'SSIM p50', 'L∞ p50', 's/image'],
  ];
  for (const [algo, a] of Object.entries(summary.algorithms)) {
    rows.push([
      algo,
      String(a.tau),
      String(a.n),
      `${a.successes}/${a.n} ${pct(a.successRate)} [${pct(a.ci[0])}, ${pct(a.ci[1])}]`,
      num(a.queriesMedian, 0),
      num(a.queriesP90, 0),
      num(a.psnrMedian),
      num(a.ssimMedian, 3),
      num(a.linfMedian, 0),
      num(a.secondsPerImage, 2),
    ]);
  }
  return formatTable(rows);
}

/** Success per item kind and hasher, or '' when the run's items carry no kinds. */
export function kindTable(summary: AttackSummary): string {
  const rows = [['algo', 'kind', 'success [95% CI]']];
  for (const [algo, a] of Object.entries(summary.algorithms))
    for (const [kind, k] of Object.entries(a.byKind ?? {}))
      rows.push([
        algo,
        kind,
        `${k.successes}/${k.n} ${pct(k.n ? k.successes / k.n : 0)} [${pct(k.ci[0])}, ${pct(k.ci[1])}]`,
      ]);
  return rows.length > 1 ? formatTable(rows) : '';
}

/** What the reach figures say of an evasion run, or '' when its outcomes carry none (collisions, older runs). */
export function reachTable(summary: AttackSummary): string {
  const rows = [
    [
      'algo',
      'n',
      're-encode below',
      'out of reach',
      'beyond least change',
      'success within bound',
      'within least change',
    ],
  ];
  const share = (k: { successes: number; n: number; ci: readonly [number, number] }): string =>
    `${k.successes}/${k.n} [${pct(k.ci[0])}, ${pct(k.ci[1])}]`;
  for (const [algo, a] of Object.entries(summary.algorithms))
    if (a.reach)
      rows.push([
        algo,
        String(a.reach.n),
        String(a.reach.reencodeBelow),
        String(a.reach.outOfReach),
        String(a.reach.beyondLeastChange),
        share(a.reach.withinBound),
        share(a.reach.withinLeastChange),
      ]);
  return rows.length > 1 ? formatTable(rows) : '';
}

export function defenceTable(rows: readonly DefenceRow[]): string {
  const out = [['algo', 'defence', 'attack success [95% CI]', 'FPR [95% CI]', 'FPR without']];
  for (const r of rows) {
    const fpr = (f: DefenceRow['fpr']): string =>
      f ? `${f.k}/${f.n} [${f.lower.toExponential(1)}, ${f.upper.toExponential(1)}]` : (r.note ?? '–');
    out.push([
      r.algo,
      r.defence,
      `${r.successes}/${r.n} [${pct(r.ci[0])}, ${pct(r.ci[1])}]`,
      fpr(r.fpr),
      r.fprBaseline ? `${r.fprBaseline.k}/${r.fprBaseline.n}` : '–',
    ]);
  }
  return formatTable(out);
}

async function attackCommand(
  kind: 'evade' | 'collide',
  dataset: string | undefined,
  targets: string | undefined,
  o: AttackOptions,
): Promise<void> {
  const config = buildConfig(kind, dataset, targets, o);
  const jobs = o.jobs === undefined ? 1 : parseJobs(o.jobs);
  await runStoredExperiment(
    o,
    { label: `attack ${kind}`, jobs },
    (options) => runAttack(config, options),
    async ({ run, summary }, store) => {
      const defences = o.fprRun ? await attackDefences(store, run.id, o.fprRun) : undefined;
      if (defences) store.putArtifact(run.id, 'defences', defences);
      if (o.json)
        process.stdout.write(JSON.stringify({ run: run.id, ...summary, ...(defences ? { defences } : {}) }) + '\n');
      else {
        process.stdout.write(`run ${run.id} (attack ${kind}, ${summary.items} images)\n${attackTable(summary)}`);
        const byKind = kindTable(summary);
        if (byKind) process.stdout.write(`\nsuccess by image kind\n${byKind}`);
        const reach = reachTable(summary);
        if (reach)
          process.stdout.write(
            `\nreach at the PSNR floor (re-encode alone; linear model's bound and least change)\n${reach}`,
          );
        if (defences) process.stdout.write(`\ndefences (FPR from run ${o.fprRun})\n${defenceTable(defences)}`);
      }
      if (summary.failedItems.length > 0) {
        for (const f of summary.failedItems) process.stderr.write(`scanlab: ${f.id}: ${f.error}\n`);
        throw new PartialFailure(`${summary.failedItems.length} of ${summary.items} images could not be attacked`);
      }
    },
  );
}

function common(cmd: Command): Command {
  return addShardOption(
    addStoreOption(
      cmd
        .option('--algo <list>', 'comma-separated algorithms, e.g. pdq,phash,neural:models/scanlab-tiny.json')
        .option('--out <dir>', 'folder for the adversarial images (DIR/ALGO/NAME.jpg, JPEG q = 90)')
        .option('--min-psnr <db>', 'least PSNR of the uploaded JPEG against the source (evade: 30; collide: none)')
        .option('--max-linf <n>', 'largest change of any RGB sample')
        .option('--max-queries <n>', 'hash queries per image, final checks included (default 10000)')
        .option('--max-distance <n>', "τ for every algorithm (default: each one's operating threshold)")
        .option('--thresholds <list>', 'τ per algorithm, e.g. pdq=31,phash=10')
        .option('--method <m>', 'black-box method: search (random search + hill climbing) or nes (default search)')
        .option('--limit <n>', 'attack only the first N source images')
        .option('--seed <n>', 'seed for every random choice', '1')
        .option('--name <name>', 'a name for the run')
        .option('--jobs <n>', 'parallel workers (default 1)')
        .option('--resume <run>', 'continue an interrupted run (its stored configuration is used)')
        .option('--fpr-run <run>', "a stored FPR run: print each defence's false-positive cost beside its success rate")
        .option('--json', 'print the summary as JSON'),
    ),
  );
}

export function registerAttackCommand(program: Command): void {
  const attack = program.command('attack').description('adversarial attacks: evade detection or force false matches');
  common(
    attack
      .command('evade')
      .description("push each image's hash more than τ from its original, within a PSNR and query budget")
      .option('--dataset <path>', 'the images to attack (folder or manifest.json)')
      .option(
        '--mode <mode>',
        "blackbox (hash queries only) or whitebox (the hash's linear part / model values)",
        'blackbox',
      ),
  ).action(runAction((o: AttackOptions & { dataset?: string }) => attackCommand('evade', o.dataset, undefined, o)));
  common(
    attack
      .command('collide')
      .description('make each innocuous source hash within τ of a target (an image of --targets or a hash of a CSV)')
      .option('--sources <path>', 'the innocuous images (folder or manifest.json)')
      .option('--targets <path>', 'target images (folder or manifest.json) or hashes (CSV with file,algo,hash)')
      .option('--joint', 'white box: each collision must hold under every --algo at once (against "both must agree")')
      .option(
        '--mode <mode>',
        'whitebox (least-change inverse of the linear part, NES on model values) or blackbox',
        'whitebox',
      ),
  ).action(
    runAction((o: AttackOptions & { sources?: string; targets?: string }) => {
      if (!o.resume && !o.targets) throw new UsageError('--targets PATH is required (images or a hashes CSV)');
      return attackCommand('collide', o.sources, o.targets, o);
    }),
  );
}
