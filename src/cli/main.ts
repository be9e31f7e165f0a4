#!/usr/bin/env node
// The `scanlab` command: builds the commander program from one module per command and runs it.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { rewriteDeprecatedOptions } from './deprecated.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: a run loads only the module of the command it names (its libraries
 * take most of the start-up time), help and unknown commands load them all. Listed in the order help shows them.
 */
const COMMANDS: readonly (readonly [string, () => Promise<Register>])[] = [
  ['hash', async () => (await import('./hash.js')).registerHashCommand],
  ['bench', async () => (await import('./bench.js')).registerBenchCommand],
  ['dataset', async () => (await import('./dataset.js')).registerDatasetCommand],
  ['runs', async () => (await import('./runs.js')).registerRunsCommand],
  ['stats', async () => (await import('./stats.js')).registerStatsCommand],
  ['match', async () => (await import('./match.js')).registerMatchCommand],
  ['index', async () => (await import('./index-cmd.js')).registerIndexCommand],
  ['psi', async () => (await import('./psi.js')).registerPsiCommand],
  ['models', async () => (await import('./models.js')).registerModelsCommand],
  ['report', async () => (await import('./report.js')).registerReportCommand],
  ['demo', async () => (await import('./demo.js')).registerDemoCommand],
  ['leakage', async () => (await import('./leakage.js')).registerLeakageCommand],
  ['attack', async () => (await import('./attack.js')).registerAttackCommand],
  ['pipeline', async () => (await import('./pipeline.js')).registerPipelineCommand],
  ['simulate', async () => (await import('./simulate.js')).registerSimulateCommand],
  ['slurm', async () => (await import('./slurm.js')).registerSlurmCommand],
];

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * The commander program with the commands `args` can reach: only the one it names when its first word is a command,
 * none for a bare --version, every command otherwise (no command, help, a mistyped name).
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command('scanlab')
    .description('Measure client-side scanning: perceptual hashes, matching, PSI protocols, leakage and attacks.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const named = args.find((a) => !a.startsWith('-'));
  const versionOnly = named === undefined && args.some((a) => a === '--version' || a === '-V');
  const wanted = COMMANDS.filter(([name]) => name === named);
  const loading = versionOnly ? [] : wanted.length > 0 ? wanted : COMMANDS;
  const registers = await Promise.all(loading.map(([, load]) => load()));
  for (const register of registers) register(program);
  return program;
}

async function main(): Promise<void> {
  // A reader that stops early (`scanlab ... | head`) is not an error.
  // Any other failure of standard output (a full device) is one line and exit status 1, never a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    const why = e.code === 'ENOSPC' ? 'no space left on the device' : e.message.split('\n')[0];
    process.stderr.write(`scanlab: cannot write to standard output: ${why}\n`);
    process.exit(1);
  });
  const args = rewriteDeprecatedOptions(process.argv.slice(2), (line) => process.stderr.write(line + '\n'));
  const program = await buildProgram(args);
  try {
    await program.parseAsync([...process.argv.slice(0, 2), ...args]);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    throw e;
  }
}

await main();
