// `scanlab pipeline run`: photos of simulated accounts scanned on their devices before end-to-end encryption, relayed,
// matched, reviewed and received, with every party's view and per-photo costs written out and stored.
import type { Command } from 'commander';
import { RunStore } from '../eval/store.js';
import { getHasher } from '../hash/registry.js';
import { entryHash } from '../match/hash-list.js';
import { readHashList } from '../match/list-read.js';
import { PipelineUsageError } from '../pipeline/errors.js';
import { writePipelineOutputs } from '../pipeline/outputs.js';
import { loadPipelinePhotos, type AccountAssignment } from '../pipeline/photos.js';
import { scanProtocolNames } from '../pipeline/protocols/registry.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelineConfig } from '../pipeline/run.js';
import { storePipelineRun } from '../pipeline/store-run.js';
import { formatPipelineSummary } from '../pipeline/summary.js';
import { PsiError } from '../psi/errors.js';
import { UsageError } from './errors.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface PipelineRunOptions {
  protocol: string;
  db: string;
  photos: string;
  algo: string;
  dihedral?: boolean;
  accounts?: string;
  manifest?: string;
  accountThreshold: string;
  syntheticRate: string;
  recipients: string;
  adBytes: string;
  fpr: string;
  maxDistance: string;
  chunks?: string;
  minChunks?: string;
  seed: string;
  out: string;
  name?: string;
  store: string;
  json?: boolean;
}

function integer(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

function parseConfig(o: PipelineRunOptions): PipelineConfig {
  if (!scanProtocolNames().includes(o.protocol))
    throw new UsageError(`--protocol must be one of ${scanProtocolNames().join(', ')}, not "${o.protocol}"`);
  const syntheticRate = Number(o.syntheticRate);
  if (!(syntheticRate >= 0 && syntheticRate < 1))
    throw new UsageError(`--synthetic-rate must lie in [0, 1), not "${o.syntheticRate}"`);
  const fpr = Number(o.fpr);
  if (!(fpr > 0 && fpr < 1)) throw new UsageError(`--fpr must be a number between 0 and 1, not "${o.fpr}"`);
  const chunks = o.chunks === undefined ? DEFAULT_PIPELINE_CONFIG.chunks : integer('chunks', o.chunks, 1);
  return {
    ...DEFAULT_PIPELINE_CONFIG,
    protocol: o.protocol,
    algo: o.algo,
    dihedral: o.dihedral ?? false,
    accountThreshold: integer('account-threshold', o.accountThreshold, 1),
    syntheticRate,
    recipients: integer('recipients', o.recipients, 1),
    adBytes: integer('ad-bytes', o.adBytes, 0),
    falsePositiveRate: fpr,
    maxDistance: integer('max-distance', o.maxDistance, 0),
    chunks,
    minChunks:
      o.minChunks === undefined
        ? Math.min(DEFAULT_PIPELINE_CONFIG.minChunks, chunks)
        : integer('min-chunks', o.minChunks, 1),
    seed: integer('seed', o.seed, 0),
  };
}

async function pipelineRun(o: PipelineRunOptions): Promise<void> {
  const config = parseConfig(o);
  if (o.accounts !== undefined && o.manifest !== undefined)
    throw new UsageError('give --accounts N or --manifest FILE, not both');
  const assignment: AccountAssignment =
    o.manifest !== undefined
      ? { kind: 'manifest', path: o.manifest }
      : { kind: 'round-robin', accounts: integer('accounts', o.accounts ?? '1', 1) };
  let nbits: number;
  try {
    nbits = getHasher(o.algo).nbits;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { list } = await readHashList(o.db, { algo: o.algo, nbits, skipInvalid: false });
  const database = Array.from({ length: list.hashes.count }, (_, i) => entryHash(list, i));
  try {
    const photos = await loadPipelinePhotos(o.photos, assignment);
    const result = await runPipeline(config, photos, database);
    await writePipelineOutputs(result, o.out);
    const store = RunStore.open(o.store);
    try {
      const { runId, summary } = storePipelineRun(store, result, { name: o.name, db: o.db, photos: o.photos });
      process.stdout.write(
        o.json ? JSON.stringify({ run: runId, out: o.out, summary }) + '\n' : formatPipelineSummary(runId, summary),
      );
    } finally {
      store.close();
    }
  } catch (e) {
    if (e instanceof PipelineUsageError || e instanceof PsiError) throw new UsageError(e.message);
    throw e;
  }
}

export function registerPipelineCommand(program: Command): void {
  const pipeline = program
    .command('pipeline')
    .description('scanning on the sending device before end-to-end encryption, end to end');
  addStoreOption(
    pipeline
      .command('run')
      .description('send photos of simulated accounts through device, relay, matcher, reviewer and recipients')
      .requiredOption('--db <file>', 'the provider database: a hash list (csv, text or jsonl)')
      .requiredOption('--photos <dir>', 'folder of photos to send (sorted; photo i belongs to account i mod N)')
      .requiredOption('--out <dir>', 'output folder: received/, relay/, reviewer.csv, reviewer/, costs.json')
      .option('--protocol <name>', `protocol: ${scanProtocolNames().join(', ')}`, DEFAULT_PIPELINE_CONFIG.protocol)
      .option('--algo <spec>', 'hash algorithm', DEFAULT_PIPELINE_CONFIG.algo)
      .option('--dihedral', 'send the eight rotations/flips of each photo (algorithms that define them: PDQ)')
      .option('--accounts <n>', 'simulated accounts, photo i → account i mod N (default 1)')
      .option('--manifest <file>', 'CSV with photo,account columns instead of --accounts')
      .option('--account-threshold <n>', 'tpsi-ad: matches per account before anything is revealed', '30')
      .option('--synthetic-rate <s>', 'tpsi-ad: probability of a synthetic voucher', '0.02')
      .option('--ad-bytes <n>', 'tpsi-ad: associated-data bytes per voucher (message id + derivative)', '1024')
      .option('--fpr <p>', 'oprf-membership: target false-positive rate of the filter', '1e-6')
      .option('--max-distance <n>', 'fuzzy protocols: Hamming distance that counts as a match', '0')
      .option(
        '--chunks <m>',
        `chunked, chunked-tpsi: cut each hash into m chunks (default ${DEFAULT_PIPELINE_CONFIG.chunks})`,
      )
      .option(
        '--min-chunks <k>',
        `chunked-tpsi: chunks that must match before the provider opens a voucher (default ${DEFAULT_PIPELINE_CONFIG.minChunks})`,
      )
      .option('--recipients <n>', 'recipients per message (one envelope each)', '1')
      .option('--seed <n>', 'seed of the message ids (keys and coins always come from the system CSPRNG)', '1')
      .option('--name <name>', 'run name in the store')
      .option('--json', 'print the summary as JSON'),
  ).action(runAction(pipelineRun));
}
