// A ready-to-submit Slurm job for a sharded scanlab command: an sbatch array (one task per shard, each writing its
// own store on shared storage) and a merge job that starts only when every task succeeded (afterok).

export interface SlurmScriptOptions {
  /** The scanlab command and its options, without --store or --shard (e.g. ['bench', 'fpr', '--dataset', '/data']). */
  readonly command: readonly string[];
  readonly tasks: number;
  /** Folder on storage every node sees: shard stores, the merged store and the job logs go there. */
  readonly dir: string;
  /** How nodes run scanlab (default `scanlab`; e.g. `node /opt/scanlab/dist/cli/main.js`). */
  readonly scanlab?: string;
  readonly partition?: string;
  /** Slurm time limit per task, e.g. `02:00:00`. */
  readonly time?: string;
  readonly cpus?: number;
  readonly memory?: string;
  readonly jobName?: string;
}

export class SlurmScriptError extends Error {
  override readonly name = 'SlurmScriptError';
  readonly exitCode = 2;
}

/** Quotes one word for bash (single quotes, with embedded quotes closed and reopened). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Commands whose work splits into shards that `runs merge` joins. */
const SHARDABLE = ['bench robustness', 'bench fpr', 'attack evade', 'attack collide'];

function checkOptions(o: SlurmScriptOptions): void {
  const head = o.command.slice(0, 2).join(' ');
  if (!SHARDABLE.includes(head))
    throw new SlurmScriptError(`slurm script runs one of: ${SHARDABLE.join(', ')} (got "${head || 'nothing'}")`);
  for (const forbidden of ['--store', '--shard', '--resume'])
    if (o.command.some((w) => w === forbidden || w.startsWith(`${forbidden}=`)))
      throw new SlurmScriptError(`leave ${forbidden} out of the command: the script sets it for every shard`);
  if (!Number.isSafeInteger(o.tasks) || o.tasks < 1 || o.tasks > 100_000)
    throw new SlurmScriptError('--tasks must be an integer from 1 to 100000');
  if (o.cpus !== undefined && !(Number.isSafeInteger(o.cpus) && o.cpus >= 1))
    throw new SlurmScriptError('--cpus must be a positive integer');
  if (o.time !== undefined && !/^(\d+-)?\d+(:\d{2}){0,2}$/.test(o.time))
    throw new SlurmScriptError(`--time must be a Slurm time such as 30, 02:00:00 or 1-00:00:00, not "${o.time}"`);
}

/**
 * A bash script that, run on a login node, submits the array job and the dependent merge job and prints their ids.
 * Each task runs `scanlab … --shard $i/N --store DIR/shard-$i.sqlite --jobs CPUS`; a task that is requeued resumes
 * from its store because the run's units already stored are skipped.
 */
export function slurmScript(o: SlurmScriptOptions): string {
  checkOptions(o);
  const scanlab = o.scanlab ?? 'scanlab';
  const name = o.jobName ?? `scanlab-${o.command.slice(0, 2).join('-')}`;
  const cpus = o.cpus ?? 2;
  const directives = (extra: string[]) =>
    [
      `#SBATCH --job-name=${name}`,
      ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
      ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
      ...(o.memory ? [`#SBATCH --mem=${o.memory}`] : []),
      ...extra,
    ].join('\n');
  const command = o.command.map(shellQuote).join(' ');
  const dir = shellQuote(o.dir);
  return `#!/usr/bin/env bash
# Submits ${o.tasks} shard task(s) of \`scanlab ${command}\` as a Slurm array, then a merge job that runs only if
# every task succeeded. Shard stores, logs and the merged store go to ${o.dir} (storage every node can read).
# Written by \`scanlab slurm script\`; run it on a login node: bash THIS_FILE
set -euo pipefail
DIR=${dir}
mkdir -p "$DIR/logs"

cat > "$DIR/shards.sbatch" <<'SBATCH'
#!/usr/bin/env bash
${directives([`#SBATCH --array=0-${o.tasks - 1}`, `#SBATCH --cpus-per-task=${cpus}`, '#SBATCH --output=logs/shard-%a.out'])}
set -euo pipefail
i="$SLURM_ARRAY_TASK_ID"
${scanlab} ${command} --shard "$i/${o.tasks}" --store "shard-$i.sqlite" --jobs "\${SLURM_CPUS_PER_TASK:-${cpus}}"
SBATCH

cat > "$DIR/merge.sbatch" <<'SBATCH'
#!/usr/bin/env bash
${directives(['#SBATCH --cpus-per-task=1', '#SBATCH --output=logs/merge.out'])}
set -euo pipefail
${scanlab} runs merge shard-*.sqlite --into merged.sqlite
SBATCH

cd "$DIR"
array=$(sbatch --parsable shards.sbatch)
array="\${array%%;*}"
merge=$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)
echo "submitted shards as job $array and the merge as job \${merge%%;*}; results: $DIR/merged.sqlite"
`;
}
