// One PSI run in a single process: hashes in; outcome, accuracy against the plaintext truth, costs and transcripts out.
import type { Hash } from '../hash/types.js';
import { bloomParams, expectedFalsePositiveRate } from './bloom.js';
import { PsiError } from './errors.js';
import { createGroup } from './group/create.js';
import { psiInput } from './hash-input.js';
import { runParties, type RunCosts } from './protocols/driver.js';
import type { PsiOutcome } from './protocols/party.js';
import { createParties, learnerOf, type PsiConfig } from './protocols/registry.js';
import type { Transcript } from './transcript.js';
import { compareWithTruth, intersectionTruth, type Accuracy } from './truth.js';

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
  readonly transcripts: { readonly client: Transcript; readonly server: Transcript };
}

export async function runPsi(config: PsiConfig, database: readonly Hash[], queries: readonly Hash[]): Promise<PsiRunResult> {
  const group = await createGroup(config.group, config.backend);
  const dbInputs = database.map(psiInput);
  const queryInputs = queries.map(psiInput);
  const { client, server } = createParties(config, group, dbInputs, queryInputs);
  const costs = runParties(client, server, queryInputs.length);
  const learner = learnerOf(config);
  const outcome = (learner === 'client' ? client : server).outcome();
  if (!outcome) throw new PsiError(`the ${learner} finished the ${config.protocol} run without a result`);
  let filter: FilterInfo | null = null;
  if (config.protocol === 'oprf-membership') {
    const params = bloomParams(dbInputs.length, config.falsePositiveRate);
    filter = { ...params, bitsPerEntry: params.bits / Math.max(1, dbInputs.length), expectedFalsePositiveRate: expectedFalsePositiveRate(params, dbInputs.length) };
  }
  return {
    config,
    databaseSize: dbInputs.length,
    queryCount: queryInputs.length,
    outcome,
    accuracy: compareWithTruth(learner, outcome, intersectionTruth(dbInputs, queryInputs), dbInputs.length),
    costs,
    filter,
    transcripts: { client: client.transcript, server: server.transcript },
  };
}
