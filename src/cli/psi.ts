// `scanlab psi run|inspect`: run a PSI protocol on two hash lists with both parties in this process, and show what
// each party saw in a stored run. The run itself and its persistence are library functions (src/eval/psi-run.ts).
import type { Command } from 'commander';
import { readPsiList, recordPsiRun, type StoredPhotoResult } from '../eval/psi-run.js';
import { RunStore, StoreError } from '../eval/store.js';
import { getHasher } from '../hash/registry.js';
import { PsiError } from '../psi/errors.js';
import { isBackendName, isGroupName } from '../psi/group/create.js';
import {
  DEFAULT_MAX_QUERIES,
  PROTOCOL_NAMES,
  defaultPsiConfig,
  isProtocolName,
  type PsiConfig,
} from '../psi/protocols/registry.js';
import { DEFAULT_TPSI_PARAMS, checkTpsiParams, type TpsiParams } from '../psi/protocols/tpsi-ad/params.js';
import { formatTpsiOutcome } from '../psi/protocols/tpsi-ad/outcome.js';
import { DEFAULT_FUZZY_PARAMS, checkFuzzyParams } from '../psi/protocols/fuzzy/params.js';
import { FUZZY_PROTOCOL_NAMES } from '../psi/protocols/fuzzy/session.js';
import type { PsiProgress } from '../psi/run.js';
import { formatSummary, type PsiSummary } from '../psi/summary.js';
import type { StoredConfidential, StoredTranscript } from '../psi/transcript.js';
import { checkStoredTranscript } from '../psi/transcript-check.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseJobs, parseNumberOption } from './options.js';
import { createProgress, type Progress } from './progress.js';
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
  fpr?: string;
  learner?: string;
  cardinalityOnly?: boolean;
  maxDistance?: string;
  chunks?: string;
  minChunks?: string;
  accountThreshold?: string;
  syntheticRate?: string;
  accounts?: string;
  cuckooEpsilon?: string;
  dhfCapacity?: string;
  jobs?: string;
  maxQueries?: string;
  seed: string;
  deterministicKeys?: boolean;
  transcriptBytes: string;
  store: string;
  json?: boolean;
}

const integerOption = (name: string, value: string, min: number): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be an integer of at least ${min}, not "${value}"`);
  return n;
};

function parseConfig(o: RunOptions): PsiConfig {
  if (!isProtocolName(o.protocol))
    throw new UsageError(`--protocol must be one of ${PROTOCOL_NAMES.join(', ')}, not "${o.protocol}"`);
  if (!isGroupName(o.group)) throw new UsageError(`--group must be ristretto255 or p256, not "${o.group}"`);
  const backend = o.backend ?? (o.group === 'p256' ? 'noble' : 'sodium');
  if (!isBackendName(backend)) throw new UsageError(`--backend must be noble or sodium, not "${backend}"`);
  if (o.group === 'p256' && backend === 'sodium') throw new UsageError('--group p256 runs only on --backend noble');
  const only = (protocols: readonly string[], given: boolean, names: string): void => {
    if (given && !protocols.includes(o.protocol))
      throw new UsageError(`${names} apply to ${protocols.join(', ')} only`);
  };
  only(['oprf-membership', 'ball-expansion', 'chunked'], o.fpr !== undefined, '--fpr');
  only(['ecdh-psi'], o.learner !== undefined || o.cardinalityOnly === true, '--learner and --cardinality-only');
  only(
    FUZZY_PROTOCOL_NAMES,
    [o.maxDistance, o.chunks, o.minChunks].some((v) => v !== undefined),
    '--max-distance, --chunks and --min-chunks',
  );
  only(
    ['tpsi-ad', 'chunked-tpsi'],
    [o.accountThreshold, o.syntheticRate, o.accounts, o.cuckooEpsilon, o.dhfCapacity].some((v) => v !== undefined),
    '--account-threshold, --synthetic-rate, --accounts, --cuckoo-epsilon and --dhf-capacity',
  );
  const common = {
    group: o.group,
    backend,
    seed: integerOption('--seed', o.seed, 0),
    deterministicKeys: o.deterministicKeys ?? false,
    maxQueries: o.maxQueries === undefined ? DEFAULT_MAX_QUERIES : integerOption('--max-queries', o.maxQueries, 1),
  };
  switch (o.protocol) {
    case 'plaintext':
      return defaultPsiConfig('plaintext', common);
    case 'oprf-membership': {
      const fpr = o.fpr === undefined ? 1e-6 : Number(o.fpr);
      if (!(fpr > 0 && fpr < 1)) throw new UsageError(`--fpr must be a number between 0 and 1, not "${o.fpr}"`);
      return defaultPsiConfig('oprf-membership', { ...common, falsePositiveRate: fpr });
    }
    case 'ecdh-psi': {
      const learner = o.learner ?? 'client';
      if (learner !== 'client' && learner !== 'server')
        throw new UsageError(`--learner must be client or server, not "${learner}"`);
      return defaultPsiConfig('ecdh-psi', { ...common, learner, cardinalityOnly: o.cardinalityOnly ?? false });
    }
    case 'tpsi-ad':
      return defaultPsiConfig('tpsi-ad', {
        ...common,
        tpsi: parseTpsiParams(o),
        accounts: o.accounts === undefined ? 1 : integerOption('--accounts', o.accounts, 1),
      });
    case 'ball-expansion':
    case 'chunked':
    case 'chunked-tpsi': {
      const fpr = o.fpr === undefined ? 1e-6 : Number(o.fpr);
      if (!(fpr > 0 && fpr < 1)) throw new UsageError(`--fpr must be a number between 0 and 1, not "${o.fpr}"`);
      if (o.maxDistance === undefined) throw new UsageError(`--protocol ${o.protocol} needs --max-distance`);
      const chunks = o.chunks === undefined ? DEFAULT_FUZZY_PARAMS.chunks : integerOption('--chunks', o.chunks, 1);
      const fuzzy = {
        ...DEFAULT_FUZZY_PARAMS,
        maxDistance: integerOption('--max-distance', o.maxDistance, 0),
        chunks,
        minChunks:
          o.minChunks === undefined
            ? Math.min(DEFAULT_FUZZY_PARAMS.minChunks, chunks)
            : integerOption('--min-chunks', o.minChunks, 1),
      };
      try {
        checkFuzzyParams(fuzzy);
      } catch (e) {
        throw new UsageError(e instanceof PsiError ? e.message : String(e));
      }
      const specific = { ...common, fuzzy, falsePositiveRate: fpr };
      if (o.protocol !== 'chunked-tpsi') return defaultPsiConfig(o.protocol, specific);
      return defaultPsiConfig('chunked-tpsi', {
        ...specific,
        tpsi: parseTpsiParams(o),
        accounts: o.accounts === undefined ? 1 : integerOption('--accounts', o.accounts, 1),
      });
    }
  }
}

/** tpsi-ad parameters from the options, the defaults where absent. */
function parseTpsiParams(o: RunOptions): TpsiParams {
  const number = (name: string, v: string | undefined, fallback: number): number =>
    v === undefined ? fallback : parseNumberOption(name, v);
  const params: TpsiParams = {
    ...DEFAULT_TPSI_PARAMS,
    threshold: number('--account-threshold', o.accountThreshold, DEFAULT_TPSI_PARAMS.threshold),
    syntheticRate: number('--synthetic-rate', o.syntheticRate, DEFAULT_TPSI_PARAMS.syntheticRate),
    cuckooEpsilon: number('--cuckoo-epsilon', o.cuckooEpsilon, DEFAULT_TPSI_PARAMS.cuckooEpsilon),
    dhfCapacity: number('--dhf-capacity', o.dhfCapacity, DEFAULT_TPSI_PARAMS.dhfCapacity),
  };
  try {
    return checkTpsiParams(params);
  } catch (e) {
    throw new UsageError(e instanceof PsiError ? e.message : String(e));
  }
}

/** A progress line per stage on a terminal (stderr), with rate and ETA. */
function stageProgress(): { progress: PsiProgress; finish(): void } {
  let stage: string | undefined;
  let bar: Progress | undefined;
  return {
    progress(next, done, total) {
      if (next !== stage) {
        bar?.finish();
        stage = next;
        bar = createProgress(next);
      }
      bar?.update(done, total);
    },
    finish: () => bar?.finish(),
  };
}

async function psiRun(o: RunOptions): Promise<void> {
  const config = parseConfig(o);
  const transcriptBytes = integerOption('--transcript-bytes', o.transcriptBytes, 0);
  let nbits: number | undefined;
  try {
    nbits = getHasher(o.algo).nbits;
  } catch {
    nbits = undefined;
  }
  const database = await readPsiList(o.db, o.algo, nbits, false);
  const queries = await readPsiList(o.queries, o.algo, nbits, true);
  if (queries.skipped > 0)
    process.stderr.write(`scanlab: skipped ${queries.skipped} query rows that hold no valid ${o.algo} hash\n`);
  if (queries.hashes.length === 0) throw new UsageError(`${o.queries} holds no ${o.algo} hashes`);
  const store = RunStore.open(o.store);
  const display = stageProgress();
  try {
    const recorded = await recordPsiRun(store, {
      config,
      name: o.name,
      algo: o.algo,
      database,
      queries,
      transcriptBytes,
      setupJobs: o.jobs === undefined ? 1 : parseJobs(o.jobs, '--jobs'),
      progress: display.progress,
    });
    display.finish();
    if (o.json) {
      const { run, summary, photos, result } = recorded;
      process.stdout.write(JSON.stringify({ run: run.id, summary, photos, accounts: result.tpsi }) + '\n');
      return;
    }
    process.stdout.write(formatSummary(recorded.run.id, recorded.summary));
    if (recorded.result.tpsi) process.stdout.write(formatTpsiOutcome(recorded.result.tpsi));
  } catch (e) {
    display.finish();
    if (e instanceof PsiError) throw new UsageError(e.message);
    throw e;
  } finally {
    store.close();
  }
}

/** The photo a transcript event names (by photo index or tpsi-ad voucher id), for the experimenter reading it. */
function photoNamer(photos: readonly StoredPhotoResult[] | undefined): (value: unknown) => string {
  if (!photos) return () => '';
  const byVoucher = new Map(photos.flatMap((p) => (p.voucherId ? [[p.voucherId, p.id] as const] : [])));
  return (value) => {
    if (typeof value !== 'object' || value === null) return '';
    const v = value as { photo?: unknown; index?: unknown; id?: unknown };
    const index = typeof v.photo === 'number' ? v.photo : typeof v.index === 'number' ? v.index : undefined;
    const id = index !== undefined ? photos[index]?.id : typeof v.id === 'string' ? byVoucher.get(v.id) : undefined;
    return id === undefined ? '' : `  [photo ${id}]`;
  };
}

/** One line per event of a stored transcript. */
function formatTranscript(
  t: StoredTranscript,
  name: (value: unknown) => string,
  altered: ReadonlySet<number> = new Set(),
): string {
  const received = t.events.filter((e) => e.kind === 'received');
  const bytes = received.reduce((n, e) => n + e.length, 0);
  const lines = [`${t.party}: received ${received.length} messages, ${bytes} bytes`];
  for (const [i, e] of t.events.entries()) {
    if (e.kind === 'received')
      lines.push(
        `received ${e.type}  ${e.length} bytes  sha256 ${e.sha256.slice(0, 16)}…${e.base64 === undefined ? '  (bytes not stored: larger than --transcript-bytes)' : ''}${altered.has(i) ? '  ALTERED: the stored bytes do not match this SHA-256' : ''}`,
      );
    else lines.push(`computed ${e.what}  ${JSON.stringify(e.value)}${name(e.value)}`);
  }
  return lines.join('\n') + '\n';
}

function formatConfidential(c: StoredConfidential, name: (value: unknown) => string): string {
  const lines = [`CONFIDENTIAL (${c.note}):`];
  for (const e of c.events) lines.push(`${e.what}  ${JSON.stringify(e.value)}${name(e.value)}`);
  return lines.join('\n') + '\n';
}

interface InspectOptions {
  party: string;
  store: string;
  json?: boolean;
  confidential?: boolean;
}

function psiInspect(ref: string, o: InspectOptions): void {
  if (o.party !== 'client' && o.party !== 'server')
    throw new UsageError(`--party must be client or server, not "${o.party}"`);
  if (o.confidential && o.party !== 'client')
    throw new UsageError('--confidential applies to --party client only: the server has no values private from itself');
  const store = RunStore.openExisting(o.store);
  try {
    const run = store.getRun(ref);
    if (run.kind !== 'psi') throw new UsageError(`run ${run.id} is a ${run.kind} run, not a psi run`);
    const stored = store.getArtifact<unknown>(run.id, `transcript:${o.party}`);
    if (stored === undefined) throw new UsageError(`run ${run.id} has no ${o.party} transcript (status ${run.status})`);
    const check = checkStoredTranscript(stored);
    if (!check.ok) throw new StoreError(`run ${run.id}: the stored ${o.party} transcript is damaged: ${check.problem}`);
    const { transcript, mismatched } = check;
    const confidential = o.confidential
      ? store.getArtifact<StoredConfidential>(run.id, 'confidential:client')
      : undefined;
    const altered = (): void => {
      if (mismatched.length === 0) return;
      throw new PartialFailure(
        `run ${run.id}: ${mismatched.length} stored message(s) of the ${o.party} transcript no longer match their SHA-256 (events ${mismatched.join(', ')}): the store was altered after the run`,
      );
    };
    if (o.json) {
      process.stdout.write(JSON.stringify(confidential ? { transcript, confidential } : transcript) + '\n');
      return altered();
    }
    const summary = store.getArtifact<PsiSummary>(run.id, 'summary');
    if (summary) process.stdout.write(formatSummary(run.id, summary) + '\n');
    const name = photoNamer(store.getArtifact<StoredPhotoResult[]>(run.id, 'photos'));
    process.stdout.write(formatTranscript(transcript, name, new Set(mismatched)));
    if (confidential) process.stdout.write(formatConfidential(confidential, name));
    altered();
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
      .option('--seed <n>', 'seed of every simulation choice (voucher ids, synthetic draws, table fill)', '1')
      .option(
        '--deterministic-keys',
        'also derive keys and blinds from the seed (reproducible runs; NOT FOR DEPLOYMENT, recorded in the run)',
      )
      .option(
        '--max-queries <n>',
        `most queries the server answers in one session (OPRF evaluations, ECDH set size, vouchers; default ${DEFAULT_MAX_QUERIES})`,
      )
      .option(
        '--fpr <rate>',
        'oprf-membership, ball-expansion (per photo), chunked (per chunk query): false-positive rate of the filter (default 1e-6)',
      )
      .option('--learner <party>', 'ecdh-psi: client or server learns the intersection (default client)')
      .option('--cardinality-only', 'ecdh-psi: the learner gets only the intersection size')
      .option(
        '--max-distance <r>',
        'ball-expansion, chunked, chunked-tpsi: match photos within r bits (required for these; see docs/fuzzy-psi.md)',
      )
      .option(
        '--chunks <m>',
        `chunked, chunked-tpsi: cut each hash into m chunks (default ${DEFAULT_FUZZY_PARAMS.chunks})`,
      )
      .option(
        '--min-chunks <k>',
        `chunked-tpsi: chunks that must match before the server opens a voucher (default ${DEFAULT_FUZZY_PARAMS.minChunks})`,
      )
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
      .option('--jobs <n>', 'oprf-membership, tpsi-ad: worker threads for the server setup (default 1)')
      .option(
        '--transcript-bytes <n>',
        'store received messages up to this size in full (larger: length, SHA-256, first bytes)',
        String(1 << 20),
      )
      .option('--json', 'the run id, summary, per-photo results and (tpsi-ad) account report as JSON'),
  ).action(runAction(psiRun));
  addStoreOption(
    psi
      .command('inspect')
      .description('what one party of a stored psi run received and computed')
      .argument('<run>', 'run id, id prefix or name')
      .requiredOption('--party <party>', 'client or server')
      .option('--confidential', "client only: also the client's private values (synthetic choices, OPRF outputs)")
      .option('--json', 'the stored transcript as JSON'),
  ).action(runAction(psiInspect));
}
