#!/usr/bin/env node
// The `scanlab` command: builds the commander program from one module per command and runs it.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerBenchCommand } from './bench.js';
import { rewriteDeprecatedOptions } from './deprecated.js';
import { registerDatasetCommand } from './dataset.js';
import { registerHashCommand } from './hash.js';
import { registerRunsCommand } from './runs.js';
import { registerStatsCommand } from './stats.js';
import { registerIndexCommand } from './index-cmd.js';
import { registerMatchCommand } from './match.js';
import { registerPsiCommand } from './psi.js';
import { registerModelsCommand } from './models.js';
import { registerReportCommand } from './report.js';
import { registerDemoCommand } from './demo.js';
import { registerLeakageCommand } from './leakage.js';
import { registerAttackCommand } from './attack.js';
import { registerPipelineCommand } from './pipeline.js';
import { registerSimulateCommand } from './simulate.js';
import { registerSlurmCommand } from './slurm.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('scanlab')
    .description('Measure client-side scanning: perceptual hashes, matching, PSI protocols, leakage and attacks.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerHashCommand(program);
  registerBenchCommand(program);
  registerDatasetCommand(program);
  registerRunsCommand(program);
  registerStatsCommand(program);
  registerMatchCommand(program);
  registerIndexCommand(program);
  registerPsiCommand(program);
  registerModelsCommand(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  registerLeakageCommand(program);
  registerAttackCommand(program);
  registerPipelineCommand(program);
  registerSimulateCommand(program);
  registerSlurmCommand(program);
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
  const program = buildProgram();
  try {
    const args = rewriteDeprecatedOptions(process.argv.slice(2), (line) => process.stderr.write(line + '\n'));
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
