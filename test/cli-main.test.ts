import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/images.js';

// The program loads only the module of the command it is given; these check that help, the version and mistakes
// still see every command.
const COMMANDS = [
  'hash',
  'bench',
  'dataset',
  'runs',
  'stats',
  'match',
  'index',
  'psi',
  'models',
  'report',
  'demo',
  'leakage',
  'attack',
  'pipeline',
  'simulate',
  'slurm',
];

describe('scanlab program', () => {
  it('lists every command in the top-level help, in order', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    const listed = r.stdout
      .split('Commands:')[1]!
      .split('\n')
      .map((l) => /^ {2}([a-z]+)\b/.exec(l)?.[1])
      .filter((c): c is string => c !== undefined);
    expect(listed).toEqual([...COMMANDS, 'help']);
  });

  it('prints the package version alone', () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = runCli(['--version']);
    expect([r.status, r.stdout.trim()]).toEqual([0, version]);
  });

  it('suggests the nearest command for a mistyped one and exits 2', () => {
    const r = runCli(['hahs', 'x.jpg']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'hahs'");
    expect(r.stderr).toContain('Did you mean hash?');
  });

  it("shows a command's own help when only that command is loaded", () => {
    const r = runCli(['psi', 'run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: scanlab psi run');
  });
});
