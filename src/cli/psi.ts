// `scanlab psi run|inspect`: run a PSI protocol on two hash lists with both parties in this process, and show what
// each party saw in a stored run.
import type { Command } from 'commander';
import { RunStore } from '../eval/store.js';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { entryHash } from '../match/hash-list.js';
import { readHashList } from '../match/list-read.js';
import { PsiError } from '../psi/errors.js';
import { isBackendName, isGroupName } from '../psi/group/create.js';
import { DEFAULT_PSI_CONFIG, PROTOCOL_NAMES, isProtocolName, type PsiConfig } from '../psi/protocols/registry.js';
import { runPsi } from '../psi/run.js';
import { DEFAULT_TPSI_PARAMS, checkTpsiParams, type TpsiParams } from '../psi/protocols/tpsi-ad/params.js';
import { formatTpsiReport } from '../psi/protocols/tpsi-ad/report.js';
import { formatSummary, summarizeRun, type PsiSummary } from '../psi/summary.js';
import { storeTranscript, type StoredTranscript } from '../psi/transcript.js';
import { UsageError } from './errors.js';
import { parseJobs } from './options.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface RunOptions {
  protocol: string;
  db: string;
  queries: string;
  algo: string;
  group: string;
  backend?: string;
  name?: string;
  fpr: string;
  learner: string;
  cardinalityOnly?: boolean;
  accountThreshold?: string;
  syntheticRate?: string;
  accounts?: string;
  cuckooEpsilon?: string;
  dhfCapacity?: string;
  jobs?: string;
  transcriptBytes: string;
  store: string;
}

function parseConfig(o: RunOptions): PsiConfig {
  if (!isProtocolName(o.protocol))
    throw new UsageError(`--protocol must be one of ${PROTOCOL_NAMES.join(', ')}, not "${o.protocol}"`);
  if (!isGroupName(o.group)) throw new UsageError(`--group must be ristretto255 or p256, not "${o.group}"`);
  const backend = o.backend ?? (o.group === 'p256' ? 'noble' : DEFAULT_PSI_CONFIG.backend);
  if (!isBackendName(backend)) throw new UsageError(`--backend must be noble or sodium, not "${backend}"`);
  if (o.group === 'p256' && backend === 'sodium') throw new UsageError('--group p256 runs only on --backend noble');
  const fpr = Number(o.fpr);
  if (!(fpr > 0 && fpr < 1)) throw new UsageError(`--fpr must be a number between 0 and 1, not "${o.fpr}"`);
  if (o.learner !== 'client' && o.learner !== 'server')
    throw new UsageError(`--learner must be client or server, not "${o.learner}"`);
  if (o.protocol !== 'ecdh-psi' && (o.learner !== 'client' || o.cardinalityOnly))
    throw new UsageError('--learner and --cardinality-only apply to ecdh-psi only');
  const tpsiGiven = [o.accountThreshold, o.syntheticRate, o.accounts, o.cuckooEpsilon, o.dhfCapacity].some(
    (v) => v !== undefined,
  );
  if (o.protocol !== 'tpsi-ad' && tpsiGiven)
    throw new UsageError(
      '--account-threshold, --synthetic-rate, --accounts, --cuckoo-epsilon and --dhf-capacity apply to tpsi-ad only',
    );
  const accounts = o.accounts === undefined ? DEFAULT_PSI_CONFIG.accounts : Number(o.accounts);
  if (!Number.isInteger(accounts) || accounts < 1)
    throw new UsageError(`--accounts must be a positive integer, not "${o.accounts}"`);
  return {
    protocol: o.protocol,
    group: o.group,
    backend,
    falsePositiveRate: fpr,
    learner: o.learner,
    cardinalityOnly: o.cardinalityOnly ?? false,
    tpsi: parseTpsiParams(o),
    accounts,
  };
}

/** tpsi-ad parameters from the options, the defaults where absent. */
function parseTpsiParams(o: RunOptions): TpsiParams {
  const number = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
  const params: TpsiParams = {
    ...DEFAULT_TPSI_PARAMS,
    threshold: number(o.accountThreshold, DEFAULT_TPSI_PARAMS.threshold),
    syntheticRate: number(o.syntheticRate, DEFAULT_TPSI_PARAMS.syntheticRate),
    cuckooEpsilon: number(o.cuckooEpsilon, DEFAULT_TPSI_PARAMS.cuckooEpsilon),
    dhfCapacity: number(o.dhfCapacity, DEFAULT_TPSI_PARAMS.dhfCapacity),
  };
  try {
    return checkTpsiParams(params);
  } catch (e) {
    throw new UsageError(e instanceof PsiError ? e.message : String(e));
  }
}

/** The hashes of a list file; query files may be `scanlab hash` output, whose rows of other algorithms are skipped. */
async function readHashes(
  path: string,
  algo: string,
  nbits: number | undefined,
  skipOtherRows: boolean,
): Promise<{ hashes: Hash[]; skipped: number }> {
  const { list, invalid } = await readHashList(path, { algo, nbits, skipInvalid: skipOtherRows });
  return { hashes: Array.from({ length: list.hashes.count }, (_, i) => entryHash(list, i)), skipped: invalid.length };
}

async function psiRun(o: RunOptions): Promise<void> {
  const config = parseConfig(o);
  const transcriptBytes = Number(o.transcriptBytes);
  if (!Number.isInteger(transcriptBytes) || transcriptBytes < 0)
    throw new UsageError(`--transcript-bytes must be a non-negative integer, not "${o.transcriptBytes}"`);
  let nbits: number | undefined;
  try {
    nbits = getHasher(o.algo).nbits;
  } catch {
    nbits = undefined;
  }
  const db = await readHashes(o.db, o.algo, nbits, false);
  const queries = await readHashes(o.queries, o.algo, nbits, true);
  if (queries.skipped > 0)
    process.stderr.write(`scanlab: skipped ${queries.skipped} query rows that hold no valid ${o.algo} hash\n`);
  if (queries.hashes.length === 0) throw new UsageError(`${o.queries} holds no ${o.algo} hashes`);
  const store = RunStore.open(o.store);
  try {
    const run = store.createRun({
      kind: 'psi',
      name: o.name ?? `psi-${config.protocol}`,
      config: {
        ...config,
        algo: o.algo,
        db: o.db,
        queries: o.queries,
        databaseSize: db.hashes.length,
        photos: queries.hashes.length,
      },
    });
    try {
      const result = await runPsi(config, db.hashes, queries.hashes, {
        setupJobs: o.jobs === undefined ? 1 : parseJobs(o.jobs),
      });
      const summary = summarizeRun(result);
      store.putArtifact(run.id, 'summary', summary);
      store.putArtifact(run.id, 'outcome', result.outcome);
      store.putArtifact(run.id, 'costs', result.costs);
      store.putArtifact(run.id, 'transcript:client', storeTranscript(result.transcripts.client, transcriptBytes));
      store.putArtifact(run.id, 'transcript:server', storeTranscript(result.transcripts.server, transcriptBytes));
      if (result.tpsi) store.putArtifact(run.id, 'accounts', result.tpsi);
      store.setStatus(run.id, 'done');
      process.stdout.write(formatSummary(run.id, summary));
      if (result.tpsi) process.stdout.write(formatTpsiReport(result.tpsi));
    } catch (e) {
      store.setStatus(run.id, 'failed');
      if (e instanceof PsiError) throw new UsageError(e.message);
      throw e;
    }
  } finally {
    store.close();
  }
}

/** One line per event of a stored transcript. */
function formatTranscript(t: StoredTranscript): string {
  const received = t.events.filter((e) => e.kind === 'received');
  const bytes = received.reduce((n, e) => n + e.length, 0);
  const lines = [`${t.party}: received ${received.length} messages, ${bytes} bytes`];
  for (const e of t.events) {
    if (e.kind === 'received')
      lines.push(
        `received ${e.type}  ${e.length} bytes  sha256 ${e.sha256.slice(0, 16)}…${e.base64 === undefined ? '  (bytes not stored: larger than --transcript-bytes)' : ''}`,
      );
    else lines.push(`computed ${e.what}  ${JSON.stringify(e.value)}`);
  }
  return lines.join('\n') + '\n';
}

function psiInspect(ref: string, o: { party: string; store: string; json?: boolean }): void {
  if (o.party !== 'client' && o.party !== 'server')
    throw new UsageError(`--party must be client or server, not "${o.party}"`);
  const store = RunStore.openExisting(o.store);
  try {
    const run = store.getRun(ref);
    if (run.kind !== 'psi') throw new UsageError(`run ${run.id} is a ${run.kind} run, not a psi run`);
    const transcript = store.getArtifact<StoredTranscript>(run.id, `transcript:${o.party}`);
    if (!transcript) throw new UsageError(`run ${run.id} has no ${o.party} transcript (status ${run.status})`);
    if (o.json) {
      process.stdout.write(JSON.stringify(transcript) + '\n');
      return;
    }
    const summary = store.getArtifact<PsiSummary>(run.id, 'summary');
    if (summary) process.stdout.write(formatSummary(run.id, summary) + '\n');
    process.stdout.write(formatTranscript(transcript));
  } finally {
    store.close();
  }
}

export function registerPsiCommand(program: Command): void {
  const psi = program.command('psi').description('private set intersection protocols on hash lists');
  addStoreOption(
    psi
      .command('run')
      .description('run a PSI protocol with both parties in this process; store results, costs and transcripts')
      .requiredOption('--protocol <name>', PROTOCOL_NAMES.join(', '))
      .requiredOption('--db <file>', "the server's hash list (CSV with a hash column, text, or JSONL)")
      .requiredOption('--queries <file>', "the client's photo hashes (a hash list, or `scanlab hash` CSV output)")
      .option('--algo <id>', 'hash algorithm of both lists', 'pdq')
      .option('--group <name>', 'ristretto255 or p256', 'ristretto255')
      .option('--backend <name>', 'noble or sodium (default: sodium for ristretto255, noble for p256)')
      .option('--name <name>', 'a name for the run in the store')
      .option(
        '--fpr <rate>',
        'oprf-membership: false-positive rate of the membership filter',
        String(DEFAULT_PSI_CONFIG.falsePositiveRate),
      )
      .option('--learner <party>', 'ecdh-psi: client or server learns the intersection', 'client')
      .option('--cardinality-only', 'ecdh-psi: the learner gets only the intersection size')
      .option(
        '--account-threshold <t>',
        `tpsi-ad: real matches before the server learns any ad (default ${DEFAULT_TPSI_PARAMS.threshold})`,
      )
      .option(
        '--synthetic-rate <s>',
        `tpsi-ad: probability of a synthetic voucher (default ${DEFAULT_TPSI_PARAMS.syntheticRate})`,
      )
      .option('--accounts <n>', 'tpsi-ad: simulated accounts, photo i in account i mod n (default 1)')
      .option(
        '--cuckoo-epsilon <e>',
        `tpsi-ad: cuckoo table of (1+e)·n slots; two-choice cuckoo needs e > 1 (default ${DEFAULT_TPSI_PARAMS.cuckooEpsilon})`,
      )
      .option(
        '--dhf-capacity <n>',
        `tpsi-ad: most synthetic vouchers per account (default ${DEFAULT_TPSI_PARAMS.dhfCapacity})`,
      )
      .option('--jobs <n>', 'oprf-membership: worker threads for the server setup (default 1)')
      .option(
        '--transcript-bytes <n>',
        'store received messages up to this size in full (larger: length, SHA-256, first bytes)',
        String(1 << 20),
      ),
  ).action(runAction(psiRun));
  addStoreOption(
    psi
      .command('inspect')
      .description('what one party of a stored psi run received and computed')
      .argument('<run>', 'run id, id prefix or name')
      .requiredOption('--party <party>', 'client or server')
      .option('--json', 'the stored transcript as JSON'),
  ).action(runAction(psiInspect));
}
