// `scanlab dataset check|synth`: inspect a dataset (groups, kinds, duplicates across groups) or generate a synthetic one.
import type { Command } from 'commander';
import { findCrossGroupDuplicates } from '../dataset/duplicates.js';
import { datasetFingerprint, fileDigests } from '../dataset/fingerprint.js';
import { loadDataset } from '../dataset/load.js';
import { generateSyntheticDataset } from '../dataset/synthetic.js';
import { UsageError } from './errors.js';
import { parseNumberOption } from './options.js';
import { runAction } from './run-action.js';

async function checkCommand(path: string, o: { json?: boolean }): Promise<void> {
  const dataset = await loadDataset(path);
  const groups = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const item of dataset.items) {
    groups.set(item.group, (groups.get(item.group) ?? 0) + 1);
    kinds.set(item.kind ?? '(none)', (kinds.get(item.kind ?? '(none)') ?? 0) + 1);
  }
  const digests = await fileDigests(dataset);
  const fingerprint = datasetFingerprint(dataset, digests);
  const duplicates = await findCrossGroupDuplicates(dataset.items, digests);
  const report = {
    name: dataset.name,
    source: dataset.source,
    synthetic: dataset.synthetic,
    fingerprint,
    items: dataset.items.length,
    groups: groups.size,
    multiItemGroups: [...groups.values()].filter((n) => n > 1).length,
    kinds: Object.fromEntries(kinds),
    duplicates,
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  process.stdout.write(
    `${report.name}${report.synthetic ? ' (SYNTHETIC)' : ''}: ${report.items} images in ${report.groups} groups (${report.multiItemGroups} with near-duplicates)\n` +
      `kinds: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}\nfingerprint: ${fingerprint}\n` +
      (duplicates.length
        ? duplicates.map((d) => `duplicate across groups (${d.kind}): ${d.a} ${d.b}\n`).join('')
        : 'no duplicates across groups\n'),
  );
}

async function synthCommand(o: { out: string; count: string; seed: string; size: string }): Promise<void> {
  const count = parseNumberOption('--count', o.count);
  const seed = parseNumberOption('--seed', o.seed);
  const size = parseNumberOption('--size', o.size);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--count must be a positive integer, not "${o.count}"`);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, not "${o.seed}"`);
  if (!Number.isInteger(size) || size < 16 || size > 4096)
    throw new UsageError(`--size must be an integer from 16 to 4096, not "${o.size}"`);
  const dataset = await generateSyntheticDataset(o.out, { count, seed, size });
  process.stdout.write(`wrote ${dataset.items.length} synthetic images to ${o.out}\n`);
}

export function registerDatasetCommand(program: Command): void {
  const dataset = program.command('dataset').description('inspect datasets or generate synthetic ones');
  dataset
    .command('check')
    .description('groups, kinds, fingerprint and duplicates across groups of a dataset')
    .argument('<path>', 'folder or manifest.json')
    .option('--json', 'print as JSON')
    .action(runAction(checkCommand));
  dataset
    .command('synth')
    .description('generate seeded synthetic images (each its own group) for scale tests')
    .requiredOption('--out <dir>', 'output folder')
    .option('--count <n>', 'number of images', '1000')
    .option('--seed <n>', 'seed', '1')
    .option('--size <px>', 'longest side in pixels', '256')
    .action(runAction(synthCommand));
}
