// Server setup: a cuckoo table over the distinct database hashes, each slot holding α·H(y) for the entry placed there
// and a random element where empty; published with L = α·G and the system parameters. The elements are computed in
// units — runs of entries (α·H(y), in database order, needing no table) and runs of empty slots' fill elements — in
// this thread or across worker threads, which start on the entries while this thread builds the cuckoo table; the
// table is then assembled from both. Either way the same bytes are published.
import { distinctByteArrays } from '../../../util/distinct-bytes.js';
import { queuedPool, siblingModule } from '../../../util/worker-pool.js';
import type { BackendName, GroupName, PrimeOrderGroup, Scalar } from '../../group/group.js';
import {
  SYSTEM_RANDOMNESS,
  groupWithRandom,
  reservedBytes,
  type PsiRandomness,
  type RandomReservation,
} from '../../random.js';
import {
  CUCKOO_SEED_BYTES,
  buildCuckooTable,
  cuckooTableSize,
  type CuckooOptions,
  type CuckooTable,
} from './cuckoo.js';
import { tpsiDst, tpsiGenerator, tpsiHashToGroupDst } from './outer-layer.js';
import { dhfDimensionOf, type TpsiParams } from './params.js';
import type { TpsiPublicData } from './wire-format.js';

export interface TpsiServerSetup {
  readonly alpha: Scalar;
  readonly table: CuckooTable;
  readonly publicData: TpsiPublicData;
  /** Database entries after removing duplicates (a set holds each hash once). */
  readonly distinctEntries: number;
}

export interface ServerSetupOptions {
  readonly cuckoo?: CuckooOptions;
  /**
   * α from `secret`, drawn first; then the cuckoo seeds and the fill seeds from `simulation` (the CSPRNG for both by
   * default). The two are separate streams: drawing from one does not move the other.
   */
  readonly random?: PsiRandomness;
  /** Called after each unit of elements with the table elements done so far. */
  readonly progress?: (done: number, total: number) => void;
}

/** A run of distinct database entries, concatenated; `ends[i]` is where the i-th ends. Its elements are α·H(y). */
export interface EntryUnit {
  readonly kind: 'entries';
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** A run of empty slots: fill element j is H_fill(request `first + j` of `fills`, 32 bytes). */
export interface FillUnit {
  readonly kind: 'fills';
  readonly fills: RandomReservation;
  readonly first: number;
  readonly count: number;
}

export type SetupUnit = EntryUnit | FillUnit;

/** Bytes of an empty slot's seed. */
const FILL_SEED_BYTES = 32;

/** What each setup worker is given once: the group and α (a secret that stays inside this process). */
export interface TpsiSetupWorkerConfig {
  readonly group: GroupName;
  readonly backend: BackendName;
  readonly alpha: Uint8Array;
}

/** Elements per unit sent to a worker: large enough that messaging is negligible next to the group work. */
export const SETUP_UNIT_ELEMENTS = 1024;

/** A unit's encoded elements, concatenated (`group.elementBytes` each). */
export function computeSetupUnit(group: PrimeOrderGroup, alpha: Scalar, unit: SetupUnit): Uint8Array {
  const size = group.elementBytes;
  if (unit.kind === 'fills') {
    const fillDst = tpsiDst('fill-', group);
    const out = new Uint8Array(unit.count * size);
    for (let j = 0; j < unit.count; j++) {
      const seed = reservedBytes(unit.fills, unit.first + j, FILL_SEED_BYTES);
      out.set(group.encodeElement(group.hashToGroup(seed, fillDst)), j * size);
    }
    return out;
  }
  const hashDst = tpsiHashToGroupDst(group);
  const out = new Uint8Array(unit.ends.length * size);
  let start = 0;
  unit.ends.forEach((end, i) => {
    const element = group.multiply(alpha, group.hashToGroup(unit.bytes.subarray(start, end), hashDst));
    out.set(group.encodeElement(element), i * size);
    start = end;
  });
  return out;
}

/** The entries in units of `unitSize`, in order. */
function entryUnits(entries: readonly Uint8Array[], unitSize: number): EntryUnit[] {
  const units: EntryUnit[] = [];
  for (let first = 0; first < entries.length; first += unitSize) {
    const run = entries.slice(first, first + unitSize);
    const ends = new Uint32Array(run.length);
    let total = 0;
    run.forEach((x, i) => (ends[i] = total += x.length));
    const bytes = new Uint8Array(total);
    run.forEach((x, i) => bytes.set(x, ends[i]! - x.length));
    units.push({ kind: 'entries', bytes, ends });
  }
  return units;
}

/** The empty slots' fill seeds, reserved here one request each in slot order, in units of `unitSize`. */
function fillUnits(table: CuckooTable, random: PsiRandomness, unitSize: number): FillUnit[] {
  let empty = 0;
  for (const entry of table.slots) if (entry < 0) empty++;
  const fills = random.simulation.reserve(empty);
  const units: FillUnit[] = [];
  for (let first = 0; first < empty; first += unitSize)
    units.push({ kind: 'fills', fills, first, count: Math.min(unitSize, empty - first) });
  return units;
}

/** The table's elements, slot by slot: the entry's element where a slot holds one, the next fill element elsewhere. */
function assembleTable(table: CuckooTable, entryElements: Uint8Array, fillElements: Uint8Array, size: number) {
  const out = new Uint8Array(table.size * size);
  let fill = 0;
  table.slots.forEach((entry, slot) => {
    const from = entry >= 0 ? entryElements : fillElements;
    const at = (entry >= 0 ? entry : fill++) * size;
    for (let b = 0; b < size; b++) out[slot * size + b] = from[at + b]!;
  });
  return out;
}

/** The steps before any element: distinct entries, α, and the cuckoo table's size. */
function setupStart(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  random: PsiRandomness,
) {
  const entries = distinctByteArrays(database);
  const alpha = groupWithRandom(group, random.secret).randomScalar();
  return { entries, alpha, tableSize: cuckooTableSize(entries.length, params.cuckooEpsilon) };
}

function cuckooTable(
  entries: readonly Uint8Array[],
  params: TpsiParams,
  random: PsiRandomness,
  options: ServerSetupOptions,
) {
  return buildCuckooTable(entries, params.cuckooEpsilon, {
    nextSeed: () => random.simulation.bytes(CUCKOO_SEED_BYTES),
    ...options.cuckoo,
  });
}

/** The setup from the units' outputs: the entries' elements in database order, then the fills' in slot order. */
function finishSetup(
  group: PrimeOrderGroup,
  params: TpsiParams,
  alpha: Scalar,
  table: CuckooTable,
  distinctEntries: number,
  entryOutputs: readonly Uint8Array[],
  fillOutputs: readonly Uint8Array[],
): TpsiServerSetup {
  const size = group.elementBytes;
  const bytes = assembleTable(
    table,
    concatenated(entryOutputs, distinctEntries, size),
    concatenated(fillOutputs, table.size - distinctEntries, size),
    size,
  );
  return {
    alpha,
    table,
    distinctEntries,
    publicData: {
      threshold: params.threshold,
      dhfDimension: dhfDimensionOf(params),
      adBytes: params.adBytes,
      cuckooSeed: table.seed,
      tableSize: table.size,
      blindingKey: group.multiply(alpha, tpsiGenerator(group)),
      table: bytes,
    },
  };
}

/** Concatenated unit outputs of `count` elements in all. */
function concatenated(outputs: readonly Uint8Array[], count: number, size: number): Uint8Array {
  const out = new Uint8Array(count * size);
  let at = 0;
  for (const o of outputs) {
    out.set(o, at);
    at += o.length;
  }
  return out;
}

/** Builds the server's table in this thread. */
export function setupTpsiServer(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ServerSetupOptions = {},
): TpsiServerSetup {
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const { entries, alpha, tableSize } = setupStart(group, database, params, random);
  let done = 0;
  const compute = (units: readonly SetupUnit[]): Uint8Array[] =>
    units.map((unit) => {
      const out = computeSetupUnit(group, alpha, unit);
      done += out.length / group.elementBytes;
      options.progress?.(done, tableSize);
      return out;
    });
  const entryElements = compute(entryUnits(entries, SETUP_UNIT_ELEMENTS));
  const table = cuckooTable(entries, params, random, options);
  const fillElements = compute(fillUnits(table, random, SETUP_UNIT_ELEMENTS));
  return finishSetup(group, params, alpha, table, entries.length, entryElements, fillElements);
}

export interface ParallelSetupOptions extends ServerSetupOptions {
  /** Worker threads (1: this thread). */
  readonly jobs: number;
  /** Elements per unit sent to a worker (default SETUP_UNIT_ELEMENTS). */
  readonly unitSize?: number;
}

/**
 * Units each worker holds while this thread builds the cuckoo table: an eighth of its share of the entries, at least
 * 64 units. The build costs about 4 µs per entry and an entry's element 60–90 µs, so that keeps the workers busy
 * through the build at any size (at 10^6 entries: 64 units, about 6 s of work against a 4 s build). Afterwards 2, so
 * that no worker is left with a long queue at the end.
 */
const aheadWhileBuilding = (entryUnitCount: number, jobs: number): number =>
  Math.max(64, Math.ceil(entryUnitCount / (8 * jobs)));
const AHEAD_AFTER = 2;

/**
 * Builds the server's table with the group work (α·H(y), fill elements) split across `jobs` worker threads, which
 * start on the entries while this thread builds the cuckoo table; publishes exactly the bytes `setupTpsiServer`
 * publishes for the same randomness.
 */
export async function setupTpsiServerInWorkers(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ParallelSetupOptions,
): Promise<TpsiServerSetup> {
  const unitSize = options.unitSize ?? SETUP_UNIT_ELEMENTS;
  if (options.jobs <= 1 || database.length <= unitSize) return setupTpsiServer(group, database, params, options);
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const { entries, alpha, tableSize } = setupStart(group, database, params, random);
  const config: TpsiSetupWorkerConfig = { group: group.name, backend: group.backend, alpha: group.encodeScalar(alpha) };
  const units = entryUnits(entries, unitSize);
  const pool = queuedPool<SetupUnit, Uint8Array>(
    siblingModule(import.meta.url, 'server-setup-worker'),
    config,
    options.jobs,
    aheadWhileBuilding(units.length, options.jobs),
  );
  let done = 0;
  /**
   * The units' outputs, in order. A failure is taken where the result is awaited; the no-op handler keeps one that
   * comes first (or while this thread is still building, or after a throw closed the pool) from being unhandled.
   */
  const run = (units: readonly SetupUnit[]): Promise<Uint8Array[]> => {
    const outputs = Promise.all(
      units.map((unit) =>
        pool.run(unit).then((out) => {
          done += out.length / group.elementBytes;
          options.progress?.(done, tableSize);
          return out;
        }),
      ),
    );
    outputs.catch(() => undefined);
    return outputs;
  };
  try {
    const entryElements = run(units);
    // The workers go on with the entries they hold while this thread builds the table.
    const table = cuckooTable(entries, params, random, options);
    pool.ahead = AHEAD_AFTER;
    const fillElements = run(fillUnits(table, random, unitSize));
    const [entryOutputs, fillOutputs] = await Promise.all([entryElements, fillElements]);
    return finishSetup(group, params, alpha, table, entries.length, entryOutputs, fillOutputs);
  } finally {
    await pool.close();
  }
}
