import { describe, expect, it } from 'vitest';
import { DEPRECATED_OPTIONS, rewriteDeprecatedOptions } from '../src/cli/deprecated.js';

describe('deprecated option aliases', () => {
  const rewrite = (args: string[]): { args: string[]; notes: string[] } => {
    const notes: string[] = [];
    return { args: rewriteDeprecatedOptions(args, (l) => notes.push(l)), notes };
  };

  it('renames an old option of the command typed, in both spellings, with one note each', () => {
    expect(rewrite(['match', 'photos/', '--db', 'db.csv', '--threshold', '31', '--format=csv'])).toEqual({
      args: ['match', 'photos/', '--db', 'db.csv', '--max-distance', '31', '--in-format=csv'],
      notes: [
        'scanlab: match --threshold is deprecated and will be removed; use --max-distance',
        'scanlab: match --format is deprecated and will be removed; use --in-format',
      ],
    });
    expect(rewrite(['psi', 'run', '--threshold', '3', '--setup-jobs', '2']).args).toEqual([
      'psi',
      'run',
      '--account-threshold',
      '3',
      '--jobs',
      '2',
    ]);
  });

  it('leaves other commands, current names, values and everything after -- alone', () => {
    expect(rewrite(['hash', 'x.jpg', '--format', 'csv'])).toEqual({
      args: ['hash', 'x.jpg', '--format', 'csv'],
      notes: [],
    });
    expect(rewrite(['psi', 'inspect', 'run1', '--threshold', '3']).notes).toEqual([]);
    expect(rewrite(['index', 'build', '--in', '--radius', '--', '--radius']).args).toEqual([
      'index',
      'build',
      '--in',
      '--max-distance',
      '--',
      '--radius',
    ]);
  });

  it('every deprecated name maps to a different current name, once per command', () => {
    const keys = DEPRECATED_OPTIONS.map((r) => `${r.command} ${r.old}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of DEPRECATED_OPTIONS) expect(r.current).not.toBe(r.old);
  });
});
