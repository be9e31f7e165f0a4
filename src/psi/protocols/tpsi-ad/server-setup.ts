// Server setup: a cuckoo table over the distinct database hashes, each slot holding α·H(y) for the entry placed there
// and a random element where empty; published with L = α·G and the system parameters. The per-slot work (group
// operations and the empty slots' random seeds) runs in this thread or, split into chunks of slots, across worker
// threads; either way the same bytes are published.
import { distinctByteArrays } from '../../../util/distinct-bytes.js';
import { orderedPool, siblingModule } from '../../../util/worker-pool.js';
import type { BackendName, GroupName, PrimeOrderGroup, Scalar } from '../../group/group.js';
import {
  SYSTEM_RANDOMNESS,
  groupWithRandom,
  reservedBytes,
  type PsiRandomness,
  type RandomReservation,
} from '../../random.js';
import { CUCKOO_SEED_BYTES, buildCuckooTable, type CuckooOptions, type CuckooTable } from './cuckoo.js';
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
  /** α from `secret`; cuckoo seeds and fill elements from `simulation` (the CSPRNG for both by default). */
  readonly random?: PsiRandomness;
  /** Called after each chunk of table slots with the slots done so far. */
  readonly progress?: (done: number, total: number) => void;
}

/** A run of consecutive table slots: the database entries of its occupied slots and where its fill seeds come from. */
export interface SlotChunk {
  /** 1 where the slot holds a database entry (α·H(y)), 0 where it is filled (H_fill(seed)). */
  readonly occupied: Uint8Array;
  /** The occupied slots' entries, concatenated; `ends[i]` is where the i-th occupied slot's entry ends. */
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** The seed of this chunk's j-th empty slot is request `firstFill + j` of `fills` (32 bytes). */
  readonly fills: RandomReservation;
  readonly firstFill: number;
}

/** Bytes of an empty slot's seed. */
const FILL_SEED_BYTES = 32;

/** What each setup worker is given once: the group and α (a secret that stays inside this process). */
export interface TpsiSetupWorkerConfig {
  readonly group: GroupName;
  readonly backend: BackendName;
  readonly alpha: Uint8Array;
}

/** Slots per chunk sent to a worker: large enough that messaging is negligible next to the group work. */
export const SETUP_CHUNK_SLOTS = 2048;

/** The encoded table elements of one chunk of slots, concatenated (`group.elementBytes` each). */
export function computeSlotChunk(group: PrimeOrderGroup, alpha: Scalar, chunk: SlotChunk): Uint8Array {
  const hashDst = tpsiHashToGroupDst(group);
  const fillDst = tpsiDst('fill-', group);
  const out = new Uint8Array(chunk.occupied.length * group.elementBytes);
  let entry = 0;
  let fill = chunk.firstFill;
  chunk.occupied.forEach((occupied, i) => {
    let element;
    if (occupied === 1) {
      const input = chunk.bytes.subarray(entry === 0 ? 0 : chunk.ends[entry - 1], chunk.ends[entry++]);
      element = group.multiply(alpha, group.hashToGroup(input, hashDst));
    } else element = group.hashToGroup(reservedBytes(chunk.fills, fill++, FILL_SEED_BYTES), fillDst);
    out.set(group.encodeElement(element), i * group.elementBytes);
  });
  return out;
}

/**
 * The slots in chunks. The empty slots' seeds are reserved here, one request each in slot order, and drawn where the
 * chunk is computed, so a seeded run publishes the same bytes with any number of workers.
 */
function slotChunks(
  table: CuckooTable,
  entries: readonly Uint8Array[],
  random: PsiRandomness,
  chunkSlots: number,
): SlotChunk[] {
  let empty = 0;
  for (const entry of table.slots) if (entry < 0) empty++;
  const fills = random.simulation.reserve(empty);
  const chunks: SlotChunk[] = [];
  let firstFill = 0;
  for (let first = 0; first < table.size; first += chunkSlots) {
    const slots = table.slots.subarray(first, first + chunkSlots);
    const occupied = new Uint8Array(slots.length);
    let count = 0;
    let total = 0;
    slots.forEach((entry, i) => {
      if (entry < 0) return;
      occupied[i] = 1;
      count++;
      total += entries[entry]!.length;
    });
    const ends = new Uint32Array(count);
    const bytes = new Uint8Array(total);
    let at = 0;
    let k = 0;
    for (const entry of slots) {
      if (entry < 0) continue;
      const x = entries[entry]!;
      bytes.set(x, at);
      ends[k++] = at += x.length;
    }
    chunks.push({ occupied, bytes, ends, fills, firstFill });
    firstFill += slots.length - count;
  }
  return chunks;
}

/** Everything of a setup but the table's elements: drawn in the same order whatever computes the elements. */
function setupPlan(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ServerSetupOptions,
  chunkSlots: number,
): { entries: Uint8Array[]; table: CuckooTable; alpha: Scalar; chunks: SlotChunk[] } {
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const entries = distinctByteArrays(database);
  const table = buildCuckooTable(entries, params.cuckooEpsilon, {
    nextSeed: () => random.simulation.bytes(CUCKOO_SEED_BYTES),
    ...options.cuckoo,
  });
  const alpha = groupWithRandom(group, random.secret).randomScalar();
  return { entries, table, alpha, chunks: slotChunks(table, entries, random, chunkSlots) };
}

function finishSetup(group: PrimeOrderGroup, params: TpsiParams, plan: SetupPlan, bytes: Uint8Array): TpsiServerSetup {
  const { alpha, table } = plan;
  return {
    alpha,
    table,
    distinctEntries: plan.entries.length,
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

type SetupPlan = ReturnType<typeof setupPlan>;

function setupInThisThread(
  group: PrimeOrderGroup,
  params: TpsiParams,
  plan: SetupPlan,
  options: ServerSetupOptions,
): TpsiServerSetup {
  const bytes = new Uint8Array(plan.table.size * group.elementBytes);
  let done = 0;
  for (const chunk of plan.chunks) {
    bytes.set(computeSlotChunk(group, plan.alpha, chunk), done * group.elementBytes);
    done += chunk.occupied.length;
    options.progress?.(done, plan.table.size);
  }
  return finishSetup(group, params, plan, bytes);
}

/** Builds the server's table in this thread. */
export function setupTpsiServer(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ServerSetupOptions = {},
): TpsiServerSetup {
  return setupInThisThread(group, params, setupPlan(group, database, params, options, SETUP_CHUNK_SLOTS), options);
}

export interface ParallelSetupOptions extends ServerSetupOptions {
  /** Worker threads (1: this thread). */
  readonly jobs: number;
  /** Slots per chunk sent to a worker (default SETUP_CHUNK_SLOTS). */
  readonly chunkSlots?: number;
}

/**
 * Builds the server's table with the per-slot group work (α·H(y), fill elements) split across `jobs` worker threads;
 * publishes exactly the bytes `setupTpsiServer` publishes for the same randomness.
 */
export async function setupTpsiServerInWorkers(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ParallelSetupOptions,
): Promise<TpsiServerSetup> {
  const plan = setupPlan(group, database, params, options, options.chunkSlots ?? SETUP_CHUNK_SLOTS);
  if (options.jobs <= 1 || plan.chunks.length <= 1) return setupInThisThread(group, params, plan, options);
  const config: TpsiSetupWorkerConfig = {
    group: group.name,
    backend: group.backend,
    alpha: group.encodeScalar(plan.alpha),
  };
  const bytes = new Uint8Array(plan.table.size * group.elementBytes);
  let at = 0;
  for await (const out of orderedPool<SlotChunk, Uint8Array>(
    siblingModule(import.meta.url, 'server-setup-worker'),
    config,
    plan.chunks,
    options.jobs,
  )) {
    bytes.set(out, at);
    at += out.length;
    options.progress?.(at / group.elementBytes, plan.table.size);
  }
  return finishSetup(group, params, plan, bytes);
}
