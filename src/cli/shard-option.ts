// The `--shard i/n` option of commands whose work splits across machines, and the line saying which shard runs.
import type { Command } from 'commander';
import { describeShard, resolveShard, ShardError, type Shard } from '../util/shard.js';
import { UsageError } from './errors.js';

export function addShardOption(cmd: Command): Command {
  return cmd.option(
    '--shard <i/n>',
    'do shard i of n (0-based; default: the Slurm array task or Kubernetes indexed job, else everything)',
  );
}

/** The shard to run (from the option or the scheduler's environment), announced on stderr; undefined for all. */
export function shardFromOption(option: string | undefined): Shard | undefined {
  let found;
  try {
    found = resolveShard(option);
  } catch (e) {
    throw e instanceof ShardError ? new UsageError(e.message) : e;
  }
  if (!found) return undefined;
  process.stderr.write(`scanlab: ${describeShard(found.shard, found.source)}\n`);
  return found.shard;
}
