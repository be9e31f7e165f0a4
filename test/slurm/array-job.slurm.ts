// Opt-in (SCANLAB_SLURM_TEST=1 npm run test:slurm): starts a single-node Slurm cluster, submits the script that
// `scanlab slurm script` prints for a sharded robustness run over the bundled sample, waits for the array and its
// dependent merge job, and checks the merged run against an unsharded run of the same configuration.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../../src/eval/export.js';
import { robustnessConfig, runRobustness } from '../../src/eval/robustness.js';
import { slurmScript } from '../../src/eval/slurm-script.js';
import { RunStore } from '../../src/eval/store.js';
import { repoRoot, scratchDir } from '../helpers/images.js';
import { optionalTool, titled } from '../helpers/optional.js';

const slurm = optionalTool('slurm', () =>
  process.env.SCANLAB_SLURM_TEST === '1' ? null : 'set SCANLAB_SLURM_TEST=1 to start a local Slurm cluster and run it',
);
const scratch = scratchDir('slurm');
const stateDir = join(scratch.dir, 'cluster');
const jobDir = join(scratch.dir, 'job');
const env = { ...process.env, SLURM_CONF: join(stateDir, 'slurm.conf') };
const SHARDS = 3;
const COMMAND = ['bench', 'robustness', '--dataset', join(repoRoot, 'datasets', 'sample'), '--algo', 'pdq,phash'];
const TRANSFORMS = ['jpeg(q=50)', 'crop(frac=0.9)'];

const sh = (file: string, args: string[], cwd = scratch.dir): string =>
  execFileSync(file, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// Long steps run asynchronously: a blocked event loop makes vitest's own messages time out on a busy machine.
const runAsync = promisify(execFile);

beforeAll(async () => {
  if (!slurm.available) return;
  await runAsync('bash', [join(repoRoot, 'test', 'slurm', 'single-node.sh'), 'start', stateDir], { env });
  await runAsync('npm', ['run', 'build', '--silent'], { cwd: repoRoot });
});
afterAll(() => {
  if (slurm.available) sh('bash', [join(repoRoot, 'test', 'slurm', 'single-node.sh'), 'stop', stateDir]);
  scratch.cleanup();
});

async function waitForJobs(ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (sh('squeue', ['-h', '-j', ids.join(',')]).trim() === '') return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`jobs ${ids.join(',')} still queued after ${timeoutMs / 1000} s`);
}

describe.skipIf(!slurm.available)(titled('a real Slurm array job', slurm), () => {
  it('runs the shards and the dependent merge; the merged run equals an unsharded run', async () => {
    mkdirSync(jobDir, { recursive: true });
    const script = slurmScript({
      command: [...COMMAND, '--transforms', TRANSFORMS.join(',')],
      tasks: SHARDS,
      dir: jobDir,
      scanlab: `node ${join(repoRoot, 'dist', 'cli', 'main.js')}`,
      cpus: 1,
    });
    writeFileSync(join(scratch.dir, 'submit.sh'), script);
    const started = Date.now();
    const said = (await runAsync('bash', [join(scratch.dir, 'submit.sh')], { cwd: scratch.dir, env })).stdout;
    const ids = [...said.matchAll(/job (\d+)/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    await waitForJobs(ids, 240_000);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`slurm: ${SHARDS} shards and the merge finished in ${seconds.toFixed(1)} s\n`);
    for (let i = 0; i < SHARDS; i++)
      expect(readFileSync(join(jobDir, 'logs', `shard-${i}.out`), 'utf8')).toContain(`running shard ${i} of ${SHARDS}`);
    expect(readFileSync(join(jobDir, 'logs', 'merge.out'), 'utf8')).toContain(`merged ${SHARDS} of ${SHARDS} shards`);

    const merged = RunStore.openExisting(join(jobDir, 'merged.sqlite'));
    const [run] = merged.listRuns();
    expect(run?.status).toBe('done');
    const whole = RunStore.open(join(scratch.dir, 'whole.sqlite'));
    const reference = await runRobustness(
      robustnessConfig({
        dataset: join(repoRoot, 'datasets', 'sample'),
        algos: ['pdq', 'phash'],
        transforms: TRANSFORMS,
        seed: 1,
      }),
      { store: whole, jobs: 2 },
    );
    const rows = (store: RunStore, id: string) => exportRows(store, id).rows.map(({ run: _r, ...r }) => r);
    expect(rows(merged, run!.id)).toEqual(rows(whole, reference.run.id));
    expect(merged.getArtifact(run!.id, 'summary')).toEqual(reference.summary);
    merged.close();
    whole.close();
  });
});
