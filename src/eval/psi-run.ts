// A PSI run recorded in the run store: the two hash lists read with their absolute paths, ids and SHA-256
// fingerprints, the run made (seeded), and everything it produced stored as artifacts, per photo by its id.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Hash } from '../hash/types.js';
import { entryHash, entryId, type HashList } from '../match/hash-list.js';
import { readHashList } from '../match/list-read.js';
import type { PsiConfig } from '../psi/protocols/registry.js';
import { runPsi, type PhotoResult, type PsiProgress, type PsiRunResult } from '../psi/run.js';
import { summarizeRun, type PsiSummary } from '../psi/summary.js';
import { storeConfidential, storeTranscript } from '../psi/transcript.js';
import type { RunRecord, RunStore } from './store.js';

/** A hash list as a PSI run uses it. */
export interface PsiList {
  /** Absolute path of the file. */
  readonly path: string;
  /** SHA-256 of the file's bytes (hex). */
  readonly sha256: string;
  readonly hashes: readonly Hash[];
  /** Each entry's id: its id column, else the file a `scanlab hash` row names, else its position. */
  readonly ids: readonly string[];
  /** Rows skipped because they hold no valid hash of the algorithm (query lists only). */
  readonly skipped: number;
}

/** Entry ids: the list's id column, else its `file` or `path` column (as `scanlab hash` writes), else positions. */
function listIds(list: HashList): string[] {
  const named = list.ids ? null : list.columns.find((c) => c.name === 'file' || c.name === 'path');
  return Array.from({ length: list.hashes.count }, (_, i) => (named ? named.values.get(i) : entryId(list, i)));
}

/** Reads a hash list; `skipOtherRows` skips rows of other algorithms (as `scanlab hash` output has). */
export async function readPsiList(
  path: string,
  algo: string,
  nbits: number | undefined,
  skipOtherRows: boolean,
): Promise<PsiList> {
  const absolute = resolve(path);
  const { list, invalid } = await readHashList(absolute, { algo, nbits, skipInvalid: skipOtherRows });
  const count = list.hashes.count;
  return {
    path: absolute,
    sha256: bytesToHex(sha256(await readFile(absolute))),
    hashes: Array.from({ length: count }, (_, i) => entryHash(list, i)),
    ids: listIds(list),
    skipped: invalid.length,
  };
}

/** One photo of a stored PSI run, named by its id in the queries list: the `photos` artifact and `runs export` rows. */
export interface StoredPhotoResult extends PhotoResult {
  readonly id: string;
}

export interface PsiRunRequest {
  readonly config: PsiConfig;
  readonly name?: string;
  readonly algo: string;
  readonly database: PsiList;
  readonly queries: PsiList;
  /** Received messages up to this size are stored whole in the transcripts. */
  readonly transcriptBytes: number;
  readonly setupJobs?: number;
  readonly progress?: PsiProgress;
}

export interface RecordedPsiRun {
  readonly run: RunRecord;
  readonly result: PsiRunResult;
  readonly summary: PsiSummary;
  readonly photos: readonly StoredPhotoResult[];
}

/** The fingerprint of a run's inputs: SHA-256 over both lists' fingerprints. */
const datasetFingerprint = (db: PsiList, queries: PsiList): string =>
  bytesToHex(sha256(utf8ToBytes(`psi-inputs-v1\n${db.sha256}\n${queries.sha256}\n`)));

/**
 * Runs PSI and records it: configuration (seed and deterministic-keys flag included), both lists' absolute paths and
 * fingerprints, and the artifacts `summary`, `outcome`, `photos`, `costs`, `transcript:client`, `transcript:server`,
 * `confidential:client` (values private to the client, kept apart) and for tpsi-ad `accounts`. A failed run is marked so.
 */
export async function recordPsiRun(store: RunStore, request: PsiRunRequest): Promise<RecordedPsiRun> {
  const { config, database, queries } = request;
  const run = store.createRun({
    kind: 'psi',
    name: request.name ?? `psi-${config.protocol}`,
    seed: config.seed,
    datasetHash: datasetFingerprint(database, queries),
    config: {
      ...config,
      algo: request.algo,
      db: { path: database.path, sha256: database.sha256, entries: database.hashes.length },
      queries: { path: queries.path, sha256: queries.sha256, photos: queries.hashes.length, skipped: queries.skipped },
      ...(config.deterministicKeys ? { warning: 'deterministic keys: NOT FOR DEPLOYMENT' } : {}),
    },
  });
  try {
    const result = await runPsi(config, database.hashes, queries.hashes, {
      setupJobs: request.setupJobs,
      progress: request.progress,
    });
    const summary = summarizeRun(result);
    const photos = result.photos.map((p) => ({ ...p, id: queries.ids[p.photo] ?? String(p.photo) }));
    store.putArtifact(run.id, 'summary', summary);
    store.putArtifact(run.id, 'outcome', result.outcome);
    store.putArtifact(run.id, 'photos', photos);
    store.putArtifact(run.id, 'costs', result.costs);
    store.putArtifact(run.id, 'transcript:client', storeTranscript(result.transcripts.client, request.transcriptBytes));
    store.putArtifact(run.id, 'transcript:server', storeTranscript(result.transcripts.server, request.transcriptBytes));
    store.putArtifact(run.id, 'confidential:client', storeConfidential(result.transcripts.client));
    if (result.tpsi) store.putArtifact(run.id, 'accounts', result.tpsi);
    store.setStatus(run.id, 'done');
    return { run: store.getRun(run.id), result, summary, photos };
  } catch (e) {
    store.setStatus(run.id, 'failed');
    throw e;
  }
}
