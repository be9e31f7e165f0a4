import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, hugePagesRequested, withHugePages } from '../src/util/huge-pages.js';

// The huge-page rerun of large matches: the tunable is added once beside the user's own, and the rerun child really
// starts with it, with the parent's arguments, streams and exit status.

const dir = mkdtempSync(join(tmpdir(), 'scanlab-huge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('huge pages', () => {
  it('adds the tunable beside tunables already set, and only once', () => {
    expect(withHugePages({}).GLIBC_TUNABLES).toBe(HUGE_PAGES_TUNABLE);
    const other = withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(other.GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}`);
    expect(withHugePages(other).GLIBC_TUNABLES).toBe(other.GLIBC_TUNABLES);
    expect(hugePagesRequested({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=2' })).toBe(true);
    expect(hugePagesRequested({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' })).toBe(false);
    expect(hugePagesRequested({ GLIBC_TUNABLES: 'x.glibc.malloc.hugetlb=1' })).toBe(false);
  });

  it('reruns the command line in a child that has the tunable, passing its output and exit status through', () => {
    const script = join(dir, 'rerun.ts');
    const module = new URL('../src/util/huge-pages.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      [
        `import { hugePagesRequested, rerunWithHugePages } from ${JSON.stringify(module)};`,
        'if (!hugePagesRequested(process.env)) process.exit(rerunWithHugePages());',
        'console.log(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES, args: process.argv.slice(2) }));',
        'process.exit(7);',
      ].join('\n'),
    );
    const env = { ...process.env, GLIBC_TUNABLES: '' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, 'a', 'b c'], { env, encoding: 'utf8' });
    expect(r.status).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual({ tunables: HUGE_PAGES_TUNABLE, args: ['a', 'b c'] });
  });
});
