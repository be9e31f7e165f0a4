// `scanlab slurm script`: prints a Slurm submission script for a sharded command (array job + dependent merge).
import type { Command } from 'commander';
import { slurmScript, SlurmScriptError } from '../eval/slurm-script.js';
import { UsageError } from './errors.js';
import { runAction } from './run-action.js';

interface SlurmOptions {
  tasks: string;
  dir: string;
  scanlab?: string;
  partition?: string;
  time?: string;
  cpus?: string;
  mem?: string;
  jobName?: string;
}

function positiveInteger(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a positive integer, not "${text}"`);
  return n;
}

export function registerSlurmCommand(program: Command): void {
  const slurm = program.command('slurm').description('run sharded commands on a Slurm cluster');
  slurm
    .command('script')
    .description('print a bash script that submits COMMAND as a Slurm array of shards plus a dependent merge job')
    .argument('<command...>', 'the scanlab command after --, e.g. -- bench fpr --dataset /shared/photos')
    .requiredOption('--tasks <n>', 'number of shards (array tasks)')
    .requiredOption('--dir <folder>', 'shared folder for shard stores, logs and merged.sqlite')
    .option('--scanlab <cmd>', 'how compute nodes run scanlab', 'scanlab')
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'time limit per task, e.g. 02:00:00')
    .option('--cpus <n>', 'CPUs per task (passed to --jobs)', '2')
    .option('--mem <size>', 'memory per task, e.g. 4G')
    .option('--job-name <name>', 'Slurm job name')
    .action(
      runAction((command: string[], o: SlurmOptions) => {
        try {
          process.stdout.write(
            slurmScript({
              command,
              tasks: positiveInteger(o.tasks, '--tasks'),
              dir: o.dir,
              scanlab: o.scanlab,
              partition: o.partition,
              time: o.time,
              cpus: o.cpus === undefined ? undefined : positiveInteger(o.cpus, '--cpus'),
              memory: o.mem,
              jobName: o.jobName,
            }),
          );
        } catch (e) {
          throw e instanceof SlurmScriptError ? new UsageError(e.message) : e;
        }
      }),
    );
}
