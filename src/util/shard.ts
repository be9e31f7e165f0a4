// Splitting long runs across machines: `--shard i/n` (i from 0 to n-1), or the index a scheduler gives an array task
// (Slurm, Kubernetes Indexed Jobs), and the stable rule that puts each item in exactly one shard.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** Shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Where a shard came from, for the one line a command prints about it. */
export type ShardSource = 'option' | 'slurm' | 'kubernetes';

/** A malformed `--shard` or scheduler variable: a usage mistake (exit status 2). */
export class ShardError extends Error {
  override readonly name = 'ShardError';
  readonly exitCode = 2;
}

const MAX_SHARDS = 1_000_000;

function checkShard(index: number, count: number, what: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS)
    throw new ShardError(`${what}: the shard count must be an integer from 1 to ${MAX_SHARDS}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new ShardError(`${what}: the shard index must be an integer from 0 to ${count - 1}`);
  return { index, count };
}

/** Parses `i/n`, e.g. `0/8` … `7/8`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardError(`--shard must be i/n with 0 <= i < n (e.g. 0/8), not "${text}"`);
  return checkShard(Number(m[1]), Number(m[2]), `--shard ${text}`);
}

function intVar(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new ShardError(`${name}=${v} is not an integer`);
  return n;
}

/**
 * The shard a scheduler assigned to this process, if any. Slurm array tasks: `SLURM_ARRAY_TASK_ID` with
 * `SLURM_ARRAY_TASK_COUNT`, counted from `SLURM_ARRAY_TASK_MIN` (so `--array=1-8` works as well as `0-7`).
 * Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`, with the count in `SCANLAB_SHARD_COUNT` (Kubernetes does not
 * expose the job's completions to the pod; the manifest in docs/cluster.md sets it).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): { shard: Shard; source: ShardSource } | undefined {
  const task = intVar(env, 'SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    const count = intVar(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined) throw new ShardError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const min = intVar(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    return { shard: checkShard(task - min, count, 'Slurm array task'), source: 'slurm' };
  }
  const index = intVar(env, 'JOB_COMPLETION_INDEX');
  if (index !== undefined) {
    const count = intVar(env, 'SCANLAB_SHARD_COUNT');
    if (count === undefined) throw new ShardError('JOB_COMPLETION_INDEX is set but SCANLAB_SHARD_COUNT is not');
    return { shard: checkShard(index, count, 'Kubernetes indexed job'), source: 'kubernetes' };
  }
  return undefined;
}

/** The shard from `--shard` when given, else from the scheduler's environment, else none (the whole run). */
export function resolveShard(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { shard: Shard; source: ShardSource } | undefined {
  if (option !== undefined) return { shard: parseShard(option), source: 'option' };
  return shardFromEnv(env);
}

/** The shard an item belongs to: the first 48 bits of SHA-256(id) modulo the count, stable across machines. */
export function shardOfId(id: string, count: number): number {
  const d = sha256(utf8ToBytes(id));
  const high = ((d[0]! << 16) | (d[1]! << 8) | d[2]!) >>> 0;
  const low = ((d[3]! << 16) | (d[4]! << 8) | d[5]!) >>> 0;
  return (high * 2 ** 24 + low) % count;
}

/** The items of one shard, in their original order. */
export function itemsOfShard<T>(items: readonly T[], idOf: (item: T) => string, shard: Shard | undefined): T[] {
  if (!shard || shard.count === 1) return [...items];
  return items.filter((item) => shardOfId(idOf(item), shard.count) === shard.index);
}

/** Splits [0, total) into `count` contiguous ranges whose sizes differ by at most one; the range of shard `index`. */
export function rangeOfShard(total: number, shard: Shard): { start: number; end: number } {
  const base = Math.floor(total / shard.count);
  const extra = total % shard.count;
  const start = shard.index * base + Math.min(shard.index, extra);
  return { start, end: start + base + (shard.index < extra ? 1 : 0) };
}

/** The line a command prints to say which part of the work it does. */
export function describeShard(shard: Shard, source: ShardSource): string {
  const from = source === 'option' ? '--shard' : source === 'slurm' ? 'Slurm array task' : 'Kubernetes indexed job';
  return `running shard ${shard.index} of ${shard.count} (0-based, from ${from})`;
}
