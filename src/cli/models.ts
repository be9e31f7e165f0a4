// `scanlab models check CARD`: validates a learned-hash model card and says which of its files are missing or wrong.
import type { Command } from 'commander';
import { checkModelCard } from '../hash/neural/check.js';
import { PartialFailure } from './errors.js';
import { runAction } from './run-action.js';

async function checkCommand(cards: string[]): Promise<void> {
  let problems = 0;
  for (const card of cards) {
    for (const f of await checkModelCard(card)) {
      process.stdout.write(`${f.item.padEnd(10)} ${f.status.padEnd(7)} ${f.message}\n`);
      if (f.status !== 'ok') problems++;
    }
  }
  if (problems > 0) throw new PartialFailure(`${problems} problem${problems === 1 ? '' : 's'} found`);
}

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('learned-hash model cards (models/NAME.json) for --algo neural:CARD');
  models
    .command('check')
    .description('validate model cards and report missing or invalid model and projection files (exit 1 if any)')
    .argument('<cards...>', 'model card files, e.g. models/scanlab-tiny.json')
    .action(runAction(checkCommand));
}
