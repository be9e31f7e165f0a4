// The run store: one SQLite file per workspace holding runs (config, seed, provenance, status), their results
// committed in batches (so a killed run resumes where it stopped), named artifacts, and a cache of file hashes.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { provenance, type Provenance } from './provenance.js';
import { ARTIFACT_UPGRADES } from './stored-upgrades.js';
import { StoreError } from './store-error.js';

export { StoreError };

export const DEFAULT_STORE = 'scanlab-runs.sqlite';
const SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'done' | 'failed';

export interface RunRecord {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly config: unknown;
  readonly seed: string | null;
  readonly datasetHash: string | null;
  readonly provenance: Provenance;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly status: RunStatus;
}

export interface NewRun {
  readonly kind: string;
  readonly name?: string;
  readonly config: unknown;
  readonly seed?: string | number;
  readonly datasetHash?: string;
}

export interface ResultRow<T = unknown> {
  readonly key: string;
  readonly value: T;
}

export interface CachedHash {
  readonly contentSha256: string;
  readonly algo: string;
  readonly decode: string;
  readonly hash: string;
  readonly quality: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL, seed TEXT,
  dataset_hash TEXT, provenance TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, tbl, key)
);
CREATE TABLE IF NOT EXISTS artifacts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS hash_cache (
  content_sha256 TEXT NOT NULL, algo TEXT NOT NULL, decode TEXT NOT NULL, hash TEXT NOT NULL, quality REAL,
  PRIMARY KEY (content_sha256, algo, decode)
);
`;

/** SQLite's application_id of a scanlab run store: "SCNL". */
export const STORE_APPLICATION_ID = 0x53434e4c;

/** What a database file is: empty (new), a scanlab store, or why it is something else. */
function recognise(db: Database.Database): string {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === STORE_APPLICATION_ID) return 'scanlab';
  if (appId !== 0) return `SQLite application_id 0x${(appId >>> 0).toString(16)}`;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return 'empty';
  const marked =
    tables.includes('meta') &&
    tables.includes('runs') &&
    db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").pluck().get() !== undefined;
  if (marked) return 'scanlab';
  return `it holds table${tables.length === 1 ? '' : 's'} ${tables.slice(0, 4).join(', ')}${tables.length > 4 ? ', …' : ''} and no scanlab marker`;
}

interface RunRow {
  id: string;
  kind: string;
  name: string;
  config: string;
  seed: string | null;
  dataset_hash: string | null;
  provenance: string;
  started_at: string;
  ended_at: string | null;
  status: RunStatus;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    config: JSON.parse(r.config),
    seed: r.seed,
    datasetHash: r.dataset_hash,
    provenance: JSON.parse(r.provenance) as Provenance,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.status,
  };
}

/** A run id that sorts by start time and is unique: `YYYYMMDD-HHMMSS-xxxxxx`. */
function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export class RunStore {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  /**
   * Opens (creating if needed) a store file. An existing file must be a scanlab store (its SQLite application_id, or
   * the tables of a store written before the id was set): anything else is a StoreError and is left untouched.
   * `readonly` opens an existing store without writing to it (no schema, no journal-mode change).
   */
  static open(path: string = DEFAULT_STORE, options: { readonly readonly?: boolean } = {}): RunStore {
    const readonly = options.readonly ?? false;
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: readonly });
    } catch (e) {
      throw new StoreError(`${path}: not a usable scanlab store (${(e as Error).message})`);
    }
    try {
      const kind = recognise(db);
      if (kind !== 'empty' && kind !== 'scanlab')
        throw new StoreError(`${path}: not a scanlab run store (${kind}); it was left untouched`);
      if (readonly && kind === 'empty') throw new StoreError(`${path}: an empty database, not a scanlab run store`);
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.exec(SCHEMA);
        db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
      }
      db.pragma('foreign_keys = ON');
    } catch (e) {
      db.close();
      if (e instanceof StoreError) throw e;
      throw new StoreError(`${path}: not a usable scanlab store (${(e as Error).message})`);
    }
    const version = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema_version') as
      string | undefined;
    if (version === undefined && !readonly)
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    else if (Number(version) > SCHEMA_VERSION) {
      db.close();
      throw new StoreError(
        `${path}: written by a newer scanlab (store schema ${version}, this version reads ${SCHEMA_VERSION})`,
      );
    }
    return new RunStore(db, path);
  }

  /**
   * Opens an existing store only; a missing file is a StoreError rather than a new empty store. Read-only unless
   * asked otherwise: commands that only look at runs never write to the file.
   */
  static openExisting(path: string = DEFAULT_STORE, options: { readonly readonly?: boolean } = {}): RunStore {
    if (!existsSync(path)) throw new StoreError(`no run store at ${path} (use --store to point at one)`);
    return RunStore.open(path, { readonly: options.readonly ?? true });
  }

  close(): void {
    this.db.close();
  }

  createRun(run: NewRun, now = new Date()): RunRecord {
    return this.insertRun({ ...run, id: newRunId(now), startedAt: now.toISOString(), provenance: provenance() });
  }

  /** A run by id, or by a unique prefix of its id, or by its name when exactly one run has it. */
  getRun(ref: string): RunRecord {
    const exact = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(ref) as RunRow | undefined;
    if (exact) return toRecord(exact);
    const matches = this.db
      .prepare("SELECT * FROM runs WHERE id LIKE ? || '%' OR name = ? ORDER BY started_at")
      .all(ref, ref) as RunRow[];
    if (matches.length === 1) return toRecord(matches[0]!);
    if (matches.length > 1)
      throw new StoreError(`"${ref}" matches ${matches.length} runs in ${this.path}; give the full run id`);
    throw new StoreError(`no run "${ref}" in ${this.path}`);
  }

  listRuns(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at, id').all() as RunRow[]).map(toRecord);
  }

  setStatus(runId: string, status: RunStatus, now = new Date()): void {
    this.db
      .prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?')
      .run(status, status === 'running' ? null : now.toISOString(), runId);
  }

  /** Stores a batch of result rows in one transaction: after a crash either all of them are there or none. */
  putResults(runId: string, table: string, rows: readonly ResultRow[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO results (run_id, tbl, key, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of rows) insert.run(runId, table, r.key, JSON.stringify(r.value));
    })();
  }

  /** Keys already stored in a result table: the work a resumed run skips. */
  resultKeys(runId: string, table: string): Set<string> {
    return new Set(
      this.db.prepare('SELECT key FROM results WHERE run_id = ? AND tbl = ?').pluck().all(runId, table) as string[],
    );
  }

  /** All rows of a result table, ordered by key. */
  getResults<T = unknown>(runId: string, table: string): ResultRow<T>[] {
    const rows = this.db
      .prepare('SELECT key, value FROM results WHERE run_id = ? AND tbl = ? ORDER BY key')
      .all(runId, table) as { key: string; value: string }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as T }));
  }

  resultTables(runId: string): string[] {
    return this.db
      .prepare('SELECT DISTINCT tbl FROM results WHERE run_id = ? ORDER BY tbl')
      .pluck()
      .all(runId) as string[];
  }

  putArtifact(runId: string, key: string, value: unknown): void {
    this.db
      .prepare('INSERT OR REPLACE INTO artifacts (run_id, key, value) VALUES (?, ?, ?)')
      .run(runId, key, JSON.stringify(value));
  }

  /** A named artifact of a run (undefined if absent); one stored by an earlier version is read in its current form. */
  getArtifact<T = unknown>(runId: string, key: string): T | undefined {
    const v = this.db.prepare('SELECT value FROM artifacts WHERE run_id = ? AND key = ?').pluck().get(runId, key) as
      string | undefined;
    if (v === undefined) return undefined;
    const kind = this.db.prepare('SELECT kind FROM runs WHERE id = ?').pluck().get(runId) as string | undefined;
    const upgrade = kind === undefined ? undefined : ARTIFACT_UPGRADES[kind]?.[key];
    const stored: unknown = JSON.parse(v);
    return (upgrade ? upgrade(stored as never) : stored) as T;
  }

  listArtifacts(runId: string): string[] {
    return this.db.prepare('SELECT key FROM artifacts WHERE run_id = ? ORDER BY key').pluck().all(runId) as string[];
  }

  getCachedHash(contentSha256: string, algo: string, decode: string): CachedHash | undefined {
    const r = this.db
      .prepare('SELECT hash, quality FROM hash_cache WHERE content_sha256 = ? AND algo = ? AND decode = ?')
      .get(contentSha256, algo, decode) as { hash: string; quality: number | null } | undefined;
    return r && { contentSha256, algo, decode, hash: r.hash, quality: r.quality };
  }

  putCachedHashes(rows: readonly CachedHash[]): void {
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO hash_cache (content_sha256, algo, decode, hash, quality) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of rows) insert.run(r.contentSha256, r.algo, r.decode, r.hash, r.quality);
    })();
  }

  /** Every cached hash, for merging stores. */
  allCachedHashes(): CachedHash[] {
    const rows = this.db.prepare('SELECT content_sha256, algo, decode, hash, quality FROM hash_cache').all() as {
      content_sha256: string;
      algo: string;
      decode: string;
      hash: string;
      quality: number | null;
    }[];
    return rows.map((r) => ({
      contentSha256: r.content_sha256,
      algo: r.algo,
      decode: r.decode,
      hash: r.hash,
      quality: r.quality,
    }));
  }

  /** A result table's rows with their values as stored (JSON text), so that a merge copies them byte for byte. */
  rawResults(runId: string, table: string): { key: string; value: string }[] {
    return this.db
      .prepare('SELECT key, value FROM results WHERE run_id = ? AND tbl = ? ORDER BY key')
      .all(runId, table) as { key: string; value: string }[];
  }

  /**
   * Copies rows as stored into a run, keeping a key's first copy. With `identical`, a key present already must hold
   * the same bytes (shards of one run compute identical rows), else nothing is written and the key is returned.
   */
  putRawResults(
    runId: string,
    table: string,
    rows: readonly { key: string; value: string }[],
    duplicates: 'identical' | 'keep-first' = 'identical',
  ): string | null {
    const existing = this.db.prepare('SELECT value FROM results WHERE run_id = ? AND tbl = ? AND key = ?').pluck();
    const insert = this.db.prepare('INSERT OR IGNORE INTO results (run_id, tbl, key, value) VALUES (?, ?, ?, ?)');
    return this.db.transaction((): string | null => {
      for (const r of rows) {
        if (duplicates === 'keep-first') break;
        const old = existing.get(runId, table, r.key) as string | undefined;
        if (old !== undefined && old !== r.value) return r.key;
      }
      for (const r of rows) insert.run(runId, table, r.key, r.value);
      return null;
    })();
  }

  /** Creates a run with a given id and start time (a merged run takes its id from the shards it joins). */
  insertRun(
    run: NewRun & { readonly id: string; readonly startedAt: string; readonly provenance: Provenance },
  ): RunRecord {
    const row: RunRow = {
      id: run.id,
      kind: run.kind,
      name: run.name ?? run.kind,
      config: JSON.stringify(run.config ?? {}),
      seed: run.seed === undefined ? null : String(run.seed),
      dataset_hash: run.datasetHash ?? null,
      provenance: JSON.stringify(run.provenance),
      started_at: run.startedAt,
      ended_at: null,
      status: 'running',
    };
    this.db
      .prepare(
        `INSERT INTO runs (id, kind, name, config, seed, dataset_hash, provenance, started_at, ended_at, status)
      VALUES (@id, @kind, @name, @config, @seed, @dataset_hash, @provenance, @started_at, @ended_at, @status)`,
      )
      .run(row);
    return toRecord(row);
  }
}
