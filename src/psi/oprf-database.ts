// Server setup of oprf-membership: OPRF_k(y) of every database entry into a Bloom filter, across worker threads.
import { availableParallelism } from 'node:os';
import { orderedPool, siblingModule } from '../util/worker-pool.js';
import { BloomFilter, type BloomParams } from './bloom.js';
import type { GroupOpCounts } from './group/counting.js';
import type { BackendName, GroupName, PrimeOrderGroup, Scalar } from './group/group.js';
import { oprfEvaluate, oprfSuite } from './oprf.js';

/** What each worker is given once: the group and the key (a secret that stays inside this process). */
export interface OprfWorkerConfig {
  readonly group: GroupName;
  readonly backend: BackendName;
  readonly key: Uint8Array;
}

/** A chunk of inputs, concatenated, with their end offsets. */
export interface InputChunk {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

const CHUNK_ENTRIES = 4096;

function chunk(inputs: readonly Uint8Array[]): InputChunk[] {
  const chunks: InputChunk[] = [];
  for (let start = 0; start < inputs.length; start += CHUNK_ENTRIES) {
    const part = inputs.slice(start, start + CHUNK_ENTRIES);
    const ends = new Uint32Array(part.length);
    let total = 0;
    part.forEach((x, i) => (ends[i] = total += x.length));
    const bytes = new Uint8Array(total);
    part.forEach((x, i) => bytes.set(x, ends[i]! - x.length));
    chunks.push({ bytes, ends });
  }
  return chunks;
}

/** The OPRF outputs of one chunk, concatenated (each `group.hash` output long). */
export function evaluateChunk(group: PrimeOrderGroup, key: Scalar, c: InputChunk): Uint8Array {
  const suite = oprfSuite(group);
  const outputs: Uint8Array[] = [];
  let start = 0;
  for (const end of c.ends) {
    outputs.push(oprfEvaluate(suite, key, c.bytes.subarray(start, end)));
    start = end;
  }
  const out = new Uint8Array(outputs.reduce((n, o) => n + o.length, 0));
  let at = 0;
  for (const o of outputs) {
    out.set(o, at);
    at += o.length;
  }
  return out;
}

/** OPRF_key(y) of every input, in input order, handed to `each` (a view: copy what you keep); in this thread. */
export function evaluateOprfHere(
  group: PrimeOrderGroup,
  key: Scalar,
  inputs: readonly Uint8Array[],
  each: (output: Uint8Array, index: number) => void,
): void {
  const suite = oprfSuite(group);
  inputs.forEach((y, i) => each(oprfEvaluate(suite, key, y), i));
}

/**
 * The same across `jobs` worker threads (at least one), in chunks of inputs; outputs still arrive in input order. The
 * workers' group operations (per input a hash to the group, a multiplication and an encoding) are not counted by a
 * counting group passed here.
 */
export async function evaluateOprfInWorkers(
  group: PrimeOrderGroup,
  key: Scalar,
  inputs: readonly Uint8Array[],
  jobs: number,
  each: (output: Uint8Array, index: number) => void,
): Promise<void> {
  const outputBytes = group.hash(new Uint8Array(0)).length;
  const config: OprfWorkerConfig = { group: group.name, backend: group.backend, key: group.encodeScalar(key) };
  let index = 0;
  for await (const outputs of orderedPool<InputChunk, Uint8Array>(
    siblingModule(import.meta.url, 'oprf-database-worker'),
    config,
    chunk(inputs),
    Math.max(1, jobs),
  ))
    for (let at = 0; at < outputs.length; at += outputBytes) each(outputs.subarray(at, at + outputBytes), index++);
}

/** Adds to `counts` the group operations of n OPRF evaluations done where a counting group does not see them. */
export function countOprfEvaluations(counts: GroupOpCounts, n: number): void {
  counts.hashToGroup += n;
  counts.multiply += n;
  counts.encodeElement += n;
}

/** A Bloom filter of OPRF_key(y) over the inputs, built in this thread. */
export function oprfFilterHere(
  group: PrimeOrderGroup,
  key: Scalar,
  inputs: readonly Uint8Array[],
  params: BloomParams,
): BloomFilter {
  const filter = new BloomFilter(params);
  evaluateOprfHere(group, key, inputs, (output) => filter.add(output));
  return filter;
}

/**
 * Fills a Bloom filter with OPRF_key(y) for every input, using `jobs` worker threads (1, or a single chunk of inputs:
 * this thread). Costs one hash-to-group and one scalar multiplication per entry.
 */
export async function buildOprfFilter(
  group: PrimeOrderGroup,
  key: Scalar,
  inputs: readonly Uint8Array[],
  params: BloomParams,
  jobs = availableParallelism(),
): Promise<BloomFilter> {
  if (jobs <= 1 || inputs.length <= CHUNK_ENTRIES) return oprfFilterHere(group, key, inputs, params);
  const filter = new BloomFilter(params);
  await evaluateOprfInWorkers(group, key, inputs, jobs, (output) => filter.add(output));
  return filter;
}
