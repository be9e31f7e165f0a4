// One PSI run in a single process: hashes in; outcome, accuracy against the plaintext truth, per-photo results, costs
// and transcripts out. The run's seed fixes every simulation choice; keys follow it only with deterministic keys.
import { bytesToHex } from '@noble/curves/utils.js';
import { performance } from 'node:perf_hooks';
import type { Hash } from '../hash/types.js';
import { bloomParams, expectedFalsePositiveRate } from './bloom.js';
import { PsiError } from './errors.js';
import { createGroup } from './group/create.js';
import type { PrimeOrderGroup } from './group/group.js';
import { buildOprfFilter } from './oprf-database.js';
import type { PreparedOprfDatabase } from './protocols/oprf-membership.js';
import { psiInput } from './hash-input.js';
import { runParties, type RunCosts } from './protocols/driver.js';
import type { PsiOutcome, WorkerSetupParty } from './protocols/party.js';
import { createParties, learnerOf, type PsiConfig, type PsiConfigOf } from './protocols/registry.js';
import { groupWithRandom, runRandomness, type PsiRandomness } from './random.js';
import type { Transcript } from './transcript.js';
import { compareWithTruth, intersectionTruth, type Accuracy } from './truth.js';
import { tpsiPartiesOutcome, type TpsiRunOutcome } from './protocols/tpsi-ad/outcome.js';
import type { TpsiServerParty } from './protocols/tpsi-ad/parties.js';
import type { TpsiParams } from './protocols/tpsi-ad/params.js';
import { setupTpsiServerInWorkers, type TpsiServerSetup } from './protocols/tpsi-ad/server-setup.js';
import type { TpsiParties } from './protocols/tpsi-ad/session.js';
import { hammingTruth } from './protocols/fuzzy/hamming-truth.js';
import { fuzzyRunReport, type FuzzyRunReport } from './protocols/fuzzy/observations.js';
import { evaluationsPerPhoto } from './protocols/fuzzy/session.js';

export interface FilterInfo {
  readonly bits: number;
  readonly hashes: number;
  readonly bitsPerEntry: number;
  readonly expectedFalsePositiveRate: number;
}

/** What the run found for one photo (query), by its position in the queries list. */
export interface PhotoResult {
  readonly photo: number;
  /** In the database (plaintext truth). */
  readonly matched: boolean;
  /** The learner learned that this photo matches (tpsi-ad: its ad was revealed); null when the outcome names no photo. */
  readonly revealed: boolean | null;
  /** tpsi-ad: a match the protocol withholds by design (below the account's threshold, or sent synthetic). */
  readonly withheldByDesign: boolean | null;
  /** tpsi-ad: the simulated account, and the voucher id (hex) that names the photo in the server's transcript. */
  readonly account: number | null;
  readonly voucherId: string | null;
}

export interface PsiRunResult {
  readonly config: PsiConfig;
  readonly databaseSize: number;
  readonly queryCount: number;
  readonly outcome: PsiOutcome;
  readonly accuracy: Accuracy;
  readonly photos: readonly PhotoResult[];
  readonly costs: RunCosts;
  /** The oprf-membership filter's size; null for other protocols. */
  readonly filter: FilterInfo | null;
  /** tpsi-ad: per account, matches, synthetic and opened vouchers, key reconstruction and revealed ad; null otherwise. */
  readonly tpsi: TpsiRunOutcome | null;
  /** Near-duplicate protocols: parameters, evaluations per photo, and what each party observed about non-matches. */
  readonly fuzzy: FuzzyRunReport | null;
  readonly transcripts: { readonly client: Transcript; readonly server: Transcript };
}

/** A stage of a run and how far it is, for a progress display. */
export type PsiProgress = (stage: 'server setup' | 'client' | 'server', done: number, total: number) => void;

export interface RunOptions {
  /**
   * Worker threads for the server's setup: oprf-membership, tpsi-ad and the near-duplicate protocols (default 1: all
   * in this thread, as the parties run).
   */
  readonly setupJobs?: number;
  readonly progress?: PsiProgress;
}

/** Evaluates the database in worker threads before the session, charging the time and operations to server setup. */
async function prepareInWorkers(
  group: PrimeOrderGroup,
  config: PsiConfigOf<'oprf-membership'>,
  dbInputs: readonly Uint8Array[],
  jobs: number,
  random: PsiRandomness,
): Promise<{ prepared: PreparedOprfDatabase; ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const key = groupWithRandom(group, random.secret).randomScalar();
  const filter = await buildOprfFilter(
    group,
    key,
    dbInputs,
    bloomParams(dbInputs.length, config.falsePositiveRate),
    jobs,
  );
  const cpu = process.cpuUsage(cpu0);
  return { prepared: { key, filter }, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Builds the tpsi-ad server's table in worker threads and hands it to the server party, timing it as setup. */
async function prepareTpsiInWorkers(
  group: PrimeOrderGroup,
  params: TpsiParams,
  dbInputs: readonly Uint8Array[],
  jobs: number,
  random: PsiRandomness,
  server: TpsiServerParty,
  progress?: (done: number, total: number) => void,
): Promise<{ setup: TpsiServerSetup; ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const setup = await setupTpsiServerInWorkers(group, dbInputs, params, { random, jobs, progress });
  server.adopt(setup);
  const cpu = process.cpuUsage(cpu0);
  return { setup, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Runs a near-duplicate server's per-entry setup in worker threads before the session, timing it as setup. */
async function setupInWorkers(server: WorkerSetupParty, jobs: number): Promise<{ ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await server.setupInWorkers(jobs);
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Per-photo results, and for tpsi-ad the misses that the threshold or a synthetic voucher withholds by design. */
function photoResults(
  outcome: PsiOutcome,
  truth: readonly boolean[],
  tpsi: { parties: TpsiParties; report: TpsiRunOutcome } | undefined,
): PhotoResult[] {
  const synthetic = tpsi?.parties.client.synthetic();
  const belowThreshold = new Set(
    tpsi?.report.rows.filter((r) => r.realMatches < tpsi.report.params.threshold).map((r) => r.account),
  );
  return truth.map((matched, photo) => {
    const revealed = outcome.kind === 'membership' ? (outcome.matches[photo] ?? false) : null;
    const p = tpsi?.parties.photos[photo];
    return {
      photo,
      matched,
      revealed,
      withheldByDesign: p
        ? matched && revealed === false && (synthetic?.[photo] === true || belowThreshold.has(p.account))
        : null,
      account: p ? p.account : null,
      voucherId: p ? bytesToHex(p.id) : null,
    };
  });
}

export async function runPsi(
  config: PsiConfig,
  database: readonly Hash[],
  queries: readonly Hash[],
  options: RunOptions = {},
): Promise<PsiRunResult> {
  const group = await createGroup(config.group, config.backend);
  const random = runRandomness(config.seed, config.deterministicKeys);
  const dbInputs = database.map(psiInput);
  const queryInputs = queries.map(psiInput);
  if (config.protocol !== 'plaintext' && queryInputs.length > config.maxQueries)
    throw new PsiError(
      `${queryInputs.length} photos exceed the ${config.maxQueries} queries one session allows (raise --max-queries)`,
    );
  const jobs = options.setupJobs ?? 1;
  const early =
    config.protocol === 'oprf-membership' && jobs > 1
      ? await prepareInWorkers(group, config, dbInputs, jobs, random)
      : undefined;
  const progress = options.progress;
  const parties = createParties(config, group, dbInputs, queryInputs, {
    prepared: early?.prepared,
    random,
    progress: progress && {
      setup: (done, total) => progress('server setup', done, total),
      client: (done, total) => progress('client', done, total),
    },
  });
  // tpsi-ad's setup draws its randomness after the parties are created, as `prepare` would, so the bytes match jobs 1.
  const tpsiEarly =
    parties.tpsi && config.protocol === 'tpsi-ad' && jobs > 1
      ? await prepareTpsiInWorkers(
          group,
          config.tpsi,
          dbInputs,
          jobs,
          random,
          parties.tpsi.server,
          progress && ((done, total) => progress('server setup', done, total)),
        )
      : undefined;
  const fuzzyEarly = parties.fuzzy && jobs > 1 ? await setupInWorkers(parties.server, jobs) : undefined;
  const { client, server } = parties;
  const costs = runParties(
    client,
    server,
    queryInputs.length,
    progress && ((done) => progress('server', done, queryInputs.length)),
  );
  if (early) {
    costs.server.setupMs += early.ms;
    costs.server.setupCpuMs += early.cpuMs;
    costs.server.setupOps.hashToGroup += dbInputs.length;
    costs.server.setupOps.multiply += dbInputs.length;
  }
  if (fuzzyEarly) {
    // The party added the workers' group operations to its own counts, which runParties reports.
    costs.server.setupMs += fuzzyEarly.ms;
    costs.server.setupCpuMs += fuzzyEarly.cpuMs;
  }
  if (tpsiEarly) {
    costs.server.setupMs += tpsiEarly.ms;
    costs.server.setupCpuMs += tpsiEarly.cpuMs;
    // What the one-thread setup counts: per slot a hash to the group and an encoding, per entry a multiplication;
    // the generator G (a hash), α (a hash to a scalar) and L = α·G once.
    const ops = costs.server.setupOps;
    ops.hashToGroup += tpsiEarly.setup.table.size + 1;
    ops.encodeElement += tpsiEarly.setup.table.size;
    ops.multiply += tpsiEarly.setup.distinctEntries + 1;
    ops.hashToScalar += 1;
  }
  const learner = learnerOf(config);
  const outcome = (learner === 'client' ? client : server).outcome();
  if (!outcome) throw new PsiError(`the ${learner} finished the ${config.protocol} run without a result`);
  let filter: FilterInfo | null = null;
  if (config.protocol === 'oprf-membership') {
    const params = bloomParams(dbInputs.length, config.falsePositiveRate);
    filter = {
      ...params,
      bitsPerEntry: params.bits / Math.max(1, dbInputs.length),
      expectedFalsePositiveRate: expectedFalsePositiveRate(params, dbInputs.length),
    };
  }
  // Near-duplicate protocols are judged against plaintext Hamming matching at their radius.
  const truth =
    'fuzzy' in config
      ? hammingTruth(dbInputs, queryInputs, config.fuzzy.maxDistance)
      : intersectionTruth(dbInputs, queryInputs);
  const tpsi =
    parties.tpsi && config.protocol === 'tpsi-ad'
      ? {
          parties: parties.tpsi,
          report: tpsiPartiesOutcome(parties.tpsi, config.tpsi, config.accounts, truth.queryMatches),
        }
      : undefined;
  const photos = photoResults(outcome, truth.queryMatches, tpsi);
  const accuracy = compareWithTruth(learner, outcome, truth, dbInputs.length);
  const withheld = tpsi ? photos.filter((p) => p.withheldByDesign === true).length : undefined;
  return {
    config,
    databaseSize: dbInputs.length,
    queryCount: queryInputs.length,
    outcome,
    accuracy:
      withheld === undefined
        ? accuracy
        : { ...accuracy, falseNegatives: (accuracy.falseNegatives ?? 0) - withheld, withheldByDesign: withheld },
    photos,
    costs,
    filter,
    tpsi: tpsi?.report ?? null,
    fuzzy:
      'fuzzy' in config
        ? fuzzyRunReport(
            config.protocol,
            config.fuzzy,
            evaluationsPerPhoto(config.protocol, queries[0]?.nbits ?? 0, config.fuzzy),
            { client: client.transcript, server: server.transcript },
            truth.queryMatches,
          )
        : null,
    transcripts: { client: client.transcript, server: server.transcript },
  };
}
