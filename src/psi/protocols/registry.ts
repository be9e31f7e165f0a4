// Protocol names, their configuration (one shape per protocol), and construction of a client/server pair from them.
import { PsiError } from '../errors.js';
import type { BackendName, GroupName, PrimeOrderGroup } from '../group/group.js';
import { SYSTEM_RANDOMNESS, groupWithRandom, type PsiRandomness } from '../random.js';
import type { PartyRole } from '../transcript.js';
import { ecdhParty } from './ecdh-psi.js';
import { oprfMembershipClient, oprfMembershipServer, type PreparedOprfDatabase } from './oprf-membership.js';
import type { PsiParty, WorkerSetupParty } from './party.js';
import { plaintextClient, plaintextServer } from './plaintext.js';
import { createTpsiParties, type TpsiParties, type TpsiSessionOptions } from './tpsi-ad/session.js';
import { DEFAULT_TPSI_PARAMS, type TpsiParams } from './tpsi-ad/params.js';
import { DEFAULT_FUZZY_PARAMS, type FuzzyParams } from './fuzzy/params.js';
import { FUZZY_PROTOCOL_NAMES, createFuzzyParties } from './fuzzy/session.js';

export const PROTOCOL_NAMES = ['plaintext', 'oprf-membership', 'ecdh-psi', 'tpsi-ad', ...FUZZY_PROTOCOL_NAMES] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export const isProtocolName = (s: string): s is ProtocolName => (PROTOCOL_NAMES as readonly string[]).includes(s);

/** The default bound on what one session answers: OPRF evaluations, ECDH client set size, tpsi-ad vouchers. */
export const DEFAULT_MAX_QUERIES = 1 << 20;

/** What every protocol's configuration holds. */
interface PsiCommonConfig {
  /** Group and backend (unused by plaintext, recorded anyway). */
  readonly group: GroupName;
  readonly backend: BackendName;
  /** The most queries the server answers in one session (see docs/psi.md for what each lets a client test). */
  readonly maxQueries: number;
  /** Seed of every simulation choice (voucher ids, synthetic draws, cuckoo seeds and fill elements). */
  readonly seed: number;
  /** Keys and blinds from a DRBG seeded by `seed`: reproducible runs, NOT FOR DEPLOYMENT. */
  readonly deterministicKeys: boolean;
}

/** The near-duplicate protocols (docs/fuzzy-psi.md): radius r, chunks m, chunks k, per-photo budget. */
interface FuzzyConfigFields {
  readonly fuzzy: FuzzyParams;
  /** ball-expansion: false-positive rate per photo; chunked: per chunk query (unused by chunked-tpsi). */
  readonly falsePositiveRate: number;
}

export type PsiConfig =
  | (PsiCommonConfig & { readonly protocol: 'plaintext' })
  | (PsiCommonConfig & {
      readonly protocol: 'oprf-membership';
      /** Target false-positive rate of the filter. */
      readonly falsePositiveRate: number;
    })
  | (PsiCommonConfig & {
      readonly protocol: 'ecdh-psi';
      /** Who learns the result. */
      readonly learner: PartyRole;
      /** The learner gets only the intersection's size. */
      readonly cardinalityOnly: boolean;
    })
  | (PsiCommonConfig & {
      readonly protocol: 'tpsi-ad';
      /** Threshold t, synthetic rate s, cuckoo ε, DHF capacity and ad size: both sides get the same values. */
      readonly tpsi: TpsiParams;
      /** Simulated accounts the photos are split across (round-robin). */
      readonly accounts: number;
    })
  | (PsiCommonConfig & FuzzyConfigFields & { readonly protocol: 'ball-expansion' })
  | (PsiCommonConfig & FuzzyConfigFields & { readonly protocol: 'chunked' })
  | (PsiCommonConfig &
      FuzzyConfigFields & {
        readonly protocol: 'chunked-tpsi';
        /** Account threshold t and the rest of tpsi-ad's parameters. */
        readonly tpsi: TpsiParams;
        readonly accounts: number;
      });

export type PsiConfigOf<P extends ProtocolName> = Extract<PsiConfig, { protocol: P }>;

export const DEFAULT_PSI_COMMON: PsiCommonConfig = {
  group: 'ristretto255',
  backend: 'sodium',
  maxQueries: DEFAULT_MAX_QUERIES,
  seed: 1,
  deterministicKeys: false,
};

/** A protocol's configuration with every value at its default, then `overrides`. */
export function defaultPsiConfig<P extends ProtocolName>(
  protocol: P,
  overrides: Partial<Omit<PsiConfigOf<P>, 'protocol'>> = {},
): PsiConfigOf<P> {
  const specific: Record<ProtocolName, object> = {
    plaintext: {},
    'oprf-membership': { falsePositiveRate: 1e-6 },
    'ecdh-psi': { learner: 'client', cardinalityOnly: false },
    'tpsi-ad': { tpsi: DEFAULT_TPSI_PARAMS, accounts: 1 },
    'ball-expansion': { fuzzy: DEFAULT_FUZZY_PARAMS, falsePositiveRate: 1e-6 },
    chunked: { fuzzy: DEFAULT_FUZZY_PARAMS, falsePositiveRate: 1e-6 },
    'chunked-tpsi': { fuzzy: DEFAULT_FUZZY_PARAMS, falsePositiveRate: 1e-6, tpsi: DEFAULT_TPSI_PARAMS, accounts: 1 },
  };
  return { ...DEFAULT_PSI_COMMON, ...specific[protocol], ...overrides, protocol } as PsiConfigOf<P>;
}

/** The party that learns the result under a configuration. */
export function learnerOf(config: PsiConfig): PartyRole {
  switch (config.protocol) {
    case 'plaintext':
    case 'tpsi-ad':
    case 'chunked-tpsi':
      return 'server';
    case 'oprf-membership':
    case 'ball-expansion':
    case 'chunked':
      return 'client';
    case 'ecdh-psi':
      return config.learner;
  }
}

export interface CreatePartiesOptions {
  /** An oprf-membership database evaluated beforehand. */
  readonly prepared?: PreparedOprfDatabase;
  readonly random?: PsiRandomness;
  readonly progress?: TpsiSessionOptions['progress'];
}

/**
 * Both parties; for tpsi-ad also the photos (with their voucher ids) that the report needs; for the near-duplicate
 * protocols the server whose setup can run in worker threads.
 */
export type CreatedParties =
  | { readonly client: PsiParty; readonly server: PsiParty; readonly tpsi?: undefined; readonly fuzzy?: undefined }
  | { readonly client: PsiParty; readonly server: PsiParty; readonly tpsi: TpsiParties; readonly fuzzy?: undefined }
  | { readonly client: PsiParty; readonly server: WorkerSetupParty; readonly tpsi?: undefined; readonly fuzzy: true };

export function createParties(
  config: PsiConfig,
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  options: CreatePartiesOptions = {},
): CreatedParties {
  if (baseGroup.name !== config.group || baseGroup.backend !== config.backend)
    throw new PsiError(
      `group ${baseGroup.name}/${baseGroup.backend} does not match the configuration ${config.group}/${config.backend}`,
    );
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const group = groupWithRandom(baseGroup, random.secret);
  const { maxQueries } = config;
  switch (config.protocol) {
    case 'plaintext':
      return { client: plaintextClient(queries), server: plaintextServer(database) };
    case 'oprf-membership':
      return {
        client: oprfMembershipClient(group, queries),
        server: oprfMembershipServer(group, database, {
          falsePositiveRate: config.falsePositiveRate,
          prepared: options.prepared,
          maxQueries,
        }),
      };
    case 'ecdh-psi': {
      const common = { learner: config.learner, cardinalityOnly: config.cardinalityOnly, random: random.secret };
      return {
        client: ecdhParty('client', group, queries, common),
        server: ecdhParty('server', group, database, { ...common, maxQueries }),
      };
    }
    case 'tpsi-ad': {
      const tpsi = createTpsiParties(baseGroup, database, queries, config.tpsi, config.accounts, {
        random,
        maxQueries,
        progress: options.progress,
      });
      return { client: tpsi.client, server: tpsi.server, tpsi };
    }
    case 'ball-expansion':
    case 'chunked':
    case 'chunked-tpsi':
      return {
        fuzzy: true,
        ...createFuzzyParties(config.protocol, group, database, queries, {
          fuzzy: config.fuzzy,
          falsePositiveRate: config.falsePositiveRate,
          tpsi: config.protocol === 'chunked-tpsi' ? config.tpsi : DEFAULT_TPSI_PARAMS,
          accounts: config.protocol === 'chunked-tpsi' ? config.accounts : 1,
          random,
        }),
      };
  }
}
