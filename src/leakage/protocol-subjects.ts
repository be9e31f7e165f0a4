// The protocols whose leakage is measured, as a registry: each runs one session of client photos against a server
// database through the protocol's public entry point and returns what each party received and learned. New
// protocols (fuzzy PSI variants, pipeline parties) add a subject here and every attempt applies to them.
import type { Hash } from '../hash/types.js';
import { DEFAULT_FUZZY_PARAMS } from '../psi/protocols/fuzzy/params.js';
import { defaultPsiConfig, learnerOf, type PsiConfig } from '../psi/protocols/registry.js';
import { runPsi } from '../psi/run.js';
import type { Transcript } from '../psi/transcript.js';
import { PIPELINE_PARTIES, pipelineSubject } from './pipeline-subjects.js';
import type { Party } from './protocol-attempts.js';

/** What the parties of one session saw: the bytes each received, and the membership the client learned, if any. */
export interface SessionView {
  readonly server: readonly Uint8Array[];
  readonly client: readonly Uint8Array[];
  /** Per client photo, whether the client learned it is in the database (undefined: the client learns nothing). */
  readonly clientMembership?: readonly boolean[];
  /**
   * Per client photo, how much the server's protocol itself tells it about the photo beyond a match (the fuzzy
   * protocols: chunks that matched some entry's chunk), read from the server's transcript; undefined: nothing.
   */
  readonly serverObservations?: readonly number[];
}

export interface LeakageSubject {
  readonly id: string;
  readonly summary: string;
  /** One session; the database and photos are perceptual hashes. */
  session(database: readonly Hash[], photos: readonly Hash[]): Promise<SessionView>;
  /**
   * The names of the parties in the attempts' two roles (default: `server`, `client`); a subject that names only some
   * roles is measured only in those (a pipeline party without a client of its own).
   */
  readonly parties?: Partial<Record<Party, string>>;
  /** For subjects whose server sees per-account voucher openings below a threshold (count leakage). */
  readonly voucherModel?: { readonly syntheticRate: number; readonly threshold: number };
}

const received = (t: Transcript): Uint8Array[] => t.events.flatMap((e) => (e.kind === 'received' ? [e.bytes] : []));

/**
 * Per photo, the server's own record of partial matches: the chunks whose lookup tag chunked's server found (by
 * photo), chunked-tpsi's opened chunk layers (vouchers in photo order); undefined when the transcript records neither.
 */
export function partialMatchesSeen(t: Transcript, photos: number): number[] | undefined {
  const out = new Array<number>(photos).fill(0);
  let seen = false;
  let voucher = 0;
  for (const e of t.events) {
    if (e.kind !== 'computed') continue;
    const v = e.value as Record<string, unknown>;
    const list = e.what === 'candidates' ? v.chunksHit : e.what === 'voucher' ? v.chunksOpened : undefined;
    if (!Array.isArray(list)) continue;
    const photo = e.what === 'candidates' && typeof v.photo === 'number' ? v.photo : voucher++;
    if (photo >= 0 && photo < photos) out[photo] = (out[photo] ?? 0) + list.length;
    seen = true;
  }
  return seen ? out : undefined;
}

/** A subject running `runPsi` with a configuration. */
export function psiSubject(id: string, summary: string, config: PsiConfig): LeakageSubject {
  const clientLearns = learnerOf(config) === 'client';
  return {
    id,
    summary,
    async session(database, photos) {
      const r = await runPsi(config, database, photos);
      const observations = partialMatchesSeen(r.transcripts.server, photos.length);
      return {
        server: received(r.transcripts.server),
        client: received(r.transcripts.client),
        ...(clientLearns && r.outcome.kind === 'membership' ? { clientMembership: r.outcome.matches } : {}),
        ...(observations ? { serverObservations: observations } : {}),
      };
    },
    ...('tpsi' in config
      ? { voucherModel: { syntheticRate: config.tpsi.syntheticRate, threshold: config.tpsi.threshold } }
      : {}),
  };
}

/**
 * The near-duplicate protocols at parameters a leakage workload can afford (their defaults cost tens of thousands of
 * OPRF evaluations per photo): ball-expansion at radius 1, chunked with 32 chunks of 8 bits (searched exactly, since
 * ⌊31/32⌋ = 0) — many small chunks, so the server's candidate lists are not empty.
 */
export const SMALL_FUZZY = { ballRadius: 1, chunks: 32 } as const;

const subjects = new Map<string, LeakageSubject>(
  [
    psiSubject('plaintext', 'hashes sent in the clear; the server matches', defaultPsiConfig('plaintext')),
    psiSubject(
      'oprf-membership',
      'blinded OPRF queries; the client checks a filter of the database',
      defaultPsiConfig('oprf-membership'),
    ),
    psiSubject(
      'ecdh-psi',
      'Diffie–Hellman PSI; the client learns the intersection',
      defaultPsiConfig('ecdh-psi', { learner: 'client' }),
    ),
    psiSubject(
      'ecdh-psi:server',
      'Diffie–Hellman PSI; the server learns the intersection',
      defaultPsiConfig('ecdh-psi', { learner: 'server' }),
    ),
    psiSubject(
      'tpsi-ad',
      'threshold PSI with associated data and synthetic vouchers (Apple-style)',
      defaultPsiConfig('tpsi-ad'),
    ),
    psiSubject(
      'ball-expansion',
      `near-duplicate PSI by OPRF over the radius-${SMALL_FUZZY.ballRadius} ball of each photo (small radius: ${SMALL_FUZZY.ballRadius + 256} evaluations per photo)`,
      defaultPsiConfig('ball-expansion', {
        fuzzy: { ...DEFAULT_FUZZY_PARAMS, maxDistance: SMALL_FUZZY.ballRadius },
        falsePositiveRate: 1e-3,
      }),
    ),
    psiSubject(
      'chunked',
      `near-duplicate PSI by multi-index chunks in the OPRF, r = ${DEFAULT_FUZZY_PARAMS.maxDistance}, m = ${SMALL_FUZZY.chunks} chunks of 8 bits (exact chunk lookups: 32 evaluations per photo)`,
      defaultPsiConfig('chunked', {
        fuzzy: { ...DEFAULT_FUZZY_PARAMS, chunks: SMALL_FUZZY.chunks },
        falsePositiveRate: 1e-3,
      }),
    ),
    psiSubject(
      'chunked-tpsi',
      `tpsi-ad vouchers with one layer per chunk, m = ${DEFAULT_FUZZY_PARAMS.chunks}, k = ${DEFAULT_FUZZY_PARAMS.minChunks} (defaults)`,
      defaultPsiConfig('chunked-tpsi'),
    ),
    ...PIPELINE_PARTIES.map(pipelineSubject),
  ].map((s) => [s.id, s]),
);

/** Adds (or replaces) a subject; returns it. */
export function registerLeakageSubject(subject: LeakageSubject): LeakageSubject {
  subjects.set(subject.id, subject);
  return subject;
}

export function leakageSubjects(): LeakageSubject[] {
  return [...subjects.values()];
}

export function getLeakageSubject(id: string): LeakageSubject | undefined {
  return subjects.get(id);
}
