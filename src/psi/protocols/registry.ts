// Protocol names, their configuration, and construction of a client/server pair from them.
import { PsiError } from '../errors.js';
import type { BackendName, GroupName, PrimeOrderGroup } from '../group/group.js';
import type { PartyRole } from '../transcript.js';
import { ecdhParty } from './ecdh-psi.js';
import { oprfMembershipClient, oprfMembershipServer, type PreparedOprfDatabase } from './oprf-membership.js';
import type { PsiParty } from './party.js';
import { plaintextClient, plaintextServer } from './plaintext.js';
import { createTpsiParties } from './tpsi-ad/session.js';
import { DEFAULT_TPSI_PARAMS, type TpsiParams } from './tpsi-ad/params.js';

export const PROTOCOL_NAMES = ['plaintext', 'oprf-membership', 'ecdh-psi', 'tpsi-ad'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export const isProtocolName = (s: string): s is ProtocolName => (PROTOCOL_NAMES as readonly string[]).includes(s);

export interface PsiConfig {
  readonly protocol: ProtocolName;
  /** Group and backend (unused by plaintext, recorded anyway). */
  readonly group: GroupName;
  readonly backend: BackendName;
  /** oprf-membership: target false-positive rate of the filter. */
  readonly falsePositiveRate: number;
  /** ecdh-psi: who learns the result. */
  readonly learner: PartyRole;
  /** ecdh-psi: the learner gets only the intersection's size. */
  readonly cardinalityOnly: boolean;
  /** tpsi-ad: threshold t, synthetic rate s, cuckoo ε, DHF capacity (and the fixed ad size). */
  readonly tpsi: TpsiParams;
  /** tpsi-ad: simulated accounts the photos are split across (round-robin). */
  readonly accounts: number;
}

export const DEFAULT_PSI_CONFIG: PsiConfig = {
  protocol: 'oprf-membership',
  group: 'ristretto255',
  backend: 'sodium',
  falsePositiveRate: 1e-6,
  learner: 'client',
  cardinalityOnly: false,
  tpsi: DEFAULT_TPSI_PARAMS,
  accounts: 1,
};

/** The party that learns the result under a configuration. */
export function learnerOf(config: PsiConfig): PartyRole {
  if (config.protocol === 'plaintext') return 'server';
  if (config.protocol === 'oprf-membership') return 'client';
  if (config.protocol === 'tpsi-ad') return 'server';
  return config.learner;
}

/** Builds both parties; `prepared` hands an oprf-membership server a database evaluated beforehand. */
export function createParties(
  config: PsiConfig,
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  prepared?: PreparedOprfDatabase,
): { client: PsiParty; server: PsiParty } {
  if (group.name !== config.group || group.backend !== config.backend)
    throw new PsiError(
      `group ${group.name}/${group.backend} does not match the configuration ${config.group}/${config.backend}`,
    );
  switch (config.protocol) {
    case 'plaintext':
      return { client: plaintextClient(queries), server: plaintextServer(database) };
    case 'oprf-membership':
      return {
        client: oprfMembershipClient(group, queries),
        server: oprfMembershipServer(group, database, { falsePositiveRate: config.falsePositiveRate, prepared }),
      };
    case 'ecdh-psi': {
      const options = { learner: config.learner, cardinalityOnly: config.cardinalityOnly };
      return {
        client: ecdhParty('client', group, queries, options),
        server: ecdhParty('server', group, database, options),
      };
    }
    case 'tpsi-ad':
      return createTpsiParties(group, database, queries, config.tpsi, config.accounts);
  }
}
