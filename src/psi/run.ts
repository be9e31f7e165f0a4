// One PSI run in a single process: hashes in; outcome, accuracy against the plaintext truth, costs and transcripts out.
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
import type { PsiOutcome } from './protocols/party.js';
import { createParties, learnerOf, type PsiConfig } from './protocols/registry.js';
import type { Transcript } from './transcript.js';
import { compareWithTruth, intersectionTruth, type Accuracy } from './truth.js';
import { createTpsiParties } from './protocols/tpsi-ad/session.js';
import { tpsiPartiesReport, type TpsiRunReport } from './protocols/tpsi-ad/report.js';

export interface FilterInfo {
  readonly bits: number;
  readonly hashes: number;
  readonly bitsPerEntry: number;
  readonly expectedFalsePositiveRate: number;
}

export interface PsiRunResult {
  readonly config: PsiConfig;
  readonly databaseSize: number;
  readonly queryCount: number;
  readonly outcome: PsiOutcome;
  readonly accuracy: Accuracy;
  readonly costs: RunCosts;
  /** The oprf-membership filter's size; null for other protocols. */
  readonly filter: FilterInfo | null;
  /** tpsi-ad: per account, matches, synthetic and opened vouchers, key reconstruction and revealed ad; null otherwise. */
  readonly tpsi: TpsiRunReport | null;
  readonly transcripts: { readonly client: Transcript; readonly server: Transcript };
}

export interface RunOptions {
  /** Worker threads for the oprf-membership server's setup (default 1: all in this thread, as the parties run). */
  readonly setupJobs?: number;
}

/** Evaluates the database in worker threads before the session, charging the time and operations to server setup. */
async function prepareInWorkers(
  group: PrimeOrderGroup,
  config: PsiConfig,
  dbInputs: readonly Uint8Array[],
  jobs: number,
): Promise<{ prepared: PreparedOprfDatabase; ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const key = group.randomScalar();
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

export async function runPsi(
  config: PsiConfig,
  database: readonly Hash[],
  queries: readonly Hash[],
  options: RunOptions = {},
): Promise<PsiRunResult> {
  const group = await createGroup(config.group, config.backend);
  const dbInputs = database.map(psiInput);
  const queryInputs = queries.map(psiInput);
  const jobs = options.setupJobs ?? 1;
  const early =
    config.protocol === 'oprf-membership' && jobs > 1
      ? await prepareInWorkers(group, config, dbInputs, jobs)
      : undefined;
  const tpsi =
    config.protocol === 'tpsi-ad'
      ? createTpsiParties(group, dbInputs, queryInputs, config.tpsi, config.accounts)
      : undefined;
  const { client, server } = tpsi ?? createParties(config, group, dbInputs, queryInputs, early?.prepared);
  const costs = runParties(client, server, queryInputs.length);
  if (early) {
    costs.server.setupMs += early.ms;
    costs.server.setupCpuMs += early.cpuMs;
    costs.server.setupOps.hashToGroup += dbInputs.length;
    costs.server.setupOps.multiply += dbInputs.length;
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
  const truth = intersectionTruth(dbInputs, queryInputs);
  return {
    config,
    databaseSize: dbInputs.length,
    queryCount: queryInputs.length,
    outcome,
    accuracy: compareWithTruth(learner, outcome, truth, dbInputs.length),
    costs,
    filter,
    tpsi: tpsi ? tpsiPartiesReport(tpsi, config.tpsi, config.accounts, truth.queryMatches) : null,
    transcripts: { client: client.transcript, server: server.transcript },
  };
}
