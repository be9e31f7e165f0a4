// The shape every protocol party has: a state machine that turns received messages into messages to send.
import type { GroupOpCounts } from '../group/counting.js';
import { Transcript, type PartyRole } from '../transcript.js';

/** What a party learns at the end of a run. */
export type PsiOutcome =
  | { readonly kind: 'membership'; readonly matches: readonly boolean[] }
  | { readonly kind: 'database-matches'; readonly indices: readonly number[] }
  | { readonly kind: 'cardinality'; readonly count: number };

/**
 * One side of a protocol. `prepare` does the work that depends only on the party's own data (the server's
 * database) and returns messages that can be published once; `start` sends the session's first messages;
 * `receive` handles one encoded message and returns the replies. Untrusted bytes fail only as ProtocolErrors.
 */
export interface PsiParty {
  readonly role: PartyRole;
  readonly transcript: Transcript;
  /** Live counts of the group operations this party performed. */
  readonly ops: GroupOpCounts;
  prepare(): Uint8Array[];
  start(): Uint8Array[];
  receive(message: Uint8Array): Uint8Array[];
  /** What the party learned, or null for a party that learns no result. */
  outcome(): PsiOutcome | null;
}

/** The parts every party has: its role, a fresh transcript, and the live counts of the group it computes with. */
export const partyBasics = <R extends PartyRole>(role: R, ops: GroupOpCounts) => ({
  role,
  transcript: new Transcript(role),
  ops,
});

/**
 * A server whose per-entry database work can run beforehand across worker threads: after `setupInWorkers`, `prepare`
 * publishes what it built, the same bytes it would have built itself from the same randomness (the workers' group
 * operations are added to `ops`). With `jobs` ≤ 1 it does nothing and `prepare` does the work.
 */
export interface WorkerSetupParty extends PsiParty {
  setupInWorkers(jobs: number): Promise<void>;
}
