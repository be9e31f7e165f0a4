// The protocols whose leakage is measured, as a registry: each runs one session of client photos against a server
// database through the protocol's public entry point and returns what each party received and learned. New
// protocols (fuzzy PSI variants, pipeline parties) add a subject here and every attempt applies to them.
import type { Hash } from '../hash/types.js';
import { defaultPsiConfig, learnerOf, type PsiConfig } from '../psi/protocols/registry.js';
import { runPsi } from '../psi/run.js';
import type { Transcript } from '../psi/transcript.js';

/** What the parties of one session saw: the bytes each received, and the membership the client learned, if any. */
export interface SessionView {
  readonly server: readonly Uint8Array[];
  readonly client: readonly Uint8Array[];
  /** Per client photo, whether the client learned it is in the database (undefined: the client learns nothing). */
  readonly clientMembership?: readonly boolean[];
}

export interface LeakageSubject {
  readonly id: string;
  readonly summary: string;
  /** One session; the database and photos are perceptual hashes. */
  session(database: readonly Hash[], photos: readonly Hash[]): Promise<SessionView>;
  /** For subjects whose server sees per-account voucher openings below a threshold (count leakage). */
  readonly voucherModel?: { readonly syntheticRate: number; readonly threshold: number };
}

const received = (t: Transcript): Uint8Array[] => t.events.flatMap((e) => (e.kind === 'received' ? [e.bytes] : []));

/** A subject running `runPsi` with a configuration. */
export function psiSubject(id: string, summary: string, config: PsiConfig): LeakageSubject {
  const clientLearns = learnerOf(config) === 'client';
  return {
    id,
    summary,
    async session(database, photos) {
      const r = await runPsi(config, database, photos);
      return {
        server: received(r.transcripts.server),
        client: received(r.transcripts.client),
        ...(clientLearns && r.outcome.kind === 'membership' ? { clientMembership: r.outcome.matches } : {}),
      };
    },
    ...('tpsi' in config
      ? { voucherModel: { syntheticRate: config.tpsi.syntheticRate, threshold: config.tpsi.threshold } }
      : {}),
  };
}

const subjects = new Map<string, LeakageSubject>(
  [
    psiSubject('plaintext', 'hashes sent in the clear; the server matches', defaultPsiConfig('plaintext')),
    psiSubject(
      'oprf-membership',
      'blinded OPRF queries; the client checks a filter of the database',
      defaultPsiConfig('oprf-membership', { falsePositiveRate: 1e-3 }),
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
