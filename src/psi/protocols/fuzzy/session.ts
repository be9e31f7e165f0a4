// The near-duplicate protocols by name: construction of a client/server pair from the run's options, and the number of
// OPRF evaluations (or chunk outer layers) each photo costs.
import type { PrimeOrderGroup } from '../../group/group.js';
import type { WireLimits } from '../../wire.js';
import { ballExpansionClient, ballExpansionServer, ballFilterRate } from '../ball-expansion/parties.js';
import { chunkedTpsiClient, chunkedTpsiServer } from '../chunked-tpsi/parties.js';
import { chunkedClient, chunkedServer } from '../chunked/parties.js';
import type { PsiParty, WorkerSetupParty } from '../party.js';
import type { PsiRandomness } from '../../random.js';
import type { TpsiParams } from '../tpsi-ad/params.js';
import { ballSize, parsePsiInput } from './hash-bits.js';
import { chunkedQueriesPerPhoto, checkFuzzyParams, type FuzzyParams } from './params.js';

export const FUZZY_PROTOCOL_NAMES = ['ball-expansion', 'chunked', 'chunked-tpsi'] as const;
export type FuzzyProtocolName = (typeof FUZZY_PROTOCOL_NAMES)[number];
export const isFuzzyProtocolName = (s: string): s is FuzzyProtocolName =>
  (FUZZY_PROTOCOL_NAMES as readonly string[]).includes(s);

export interface FuzzyRunOptions {
  readonly fuzzy: FuzzyParams;
  /** ball-expansion: false-positive rate per photo; chunked: per chunk query (the filter's rate). */
  readonly falsePositiveRate: number;
  /** chunked-tpsi: threshold t, synthetic rate and the rest of tpsi-ad's parameters. */
  readonly tpsi: TpsiParams;
  readonly accounts: number;
  readonly limits?: WireLimits;
  /**
   * Secrets (keys, blinds, nonces) and the simulation's choices (voucher ids, synthetic coins, cuckoo seeds); the
   * CSPRNG by default. Pass the group wrapped by `groupWithRandom(group, random.secret)` too, as `createParties` does.
   */
  readonly random?: PsiRandomness;
}

/** OPRF evaluations (ball-expansion, chunked) or chunk outer layers (chunked-tpsi) per photo of `nbits` bits. */
export function evaluationsPerPhoto(protocol: FuzzyProtocolName, nbits: number, fuzzy: FuzzyParams): number {
  if (protocol === 'ball-expansion') return ballSize(nbits, fuzzy.maxDistance);
  if (protocol === 'chunked') return chunkedQueriesPerPhoto(nbits, fuzzy);
  return fuzzy.chunks;
}

export function createFuzzyParties(
  protocol: FuzzyProtocolName,
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  o: FuzzyRunOptions,
): { client: PsiParty; server: WorkerSetupParty } {
  const fuzzy = checkFuzzyParams(o.fuzzy);
  const { limits, random } = o;
  switch (protocol) {
    case 'ball-expansion': {
      const client = ballExpansionClient(group, queries, fuzzy, limits);
      const first = queries[0];
      const evaluations = first ? ballSize(parsePsiInput(first).nbits, fuzzy.maxDistance) : 1;
      const filterRate = ballFilterRate(o.falsePositiveRate, evaluations);
      return { client, server: ballExpansionServer(group, database, { filterRate, limits: limits }) };
    }
    case 'chunked':
      return {
        client: chunkedClient(group, queries, fuzzy, limits),
        server: chunkedServer(group, database, fuzzy, {
          falsePositiveRate: o.falsePositiveRate,
          limits,
          random: random?.secret,
        }),
      };
    case 'chunked-tpsi':
      return {
        client: chunkedTpsiClient(group, queries, fuzzy, o.tpsi, o.accounts, { limits, random }),
        server: chunkedTpsiServer(group, database, fuzzy, o.tpsi, { limits, random }),
      };
  }
}
