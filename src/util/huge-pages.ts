// Transparent huge pages for large in-memory tables: glibc's malloc asks the kernel for them when GLIBC_TUNABLES says so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';

/**
 * The glibc (≥ 2.35) tunable that makes malloc mark its large allocations for transparent huge pages; Node's
 * ArrayBuffers and SharedArrayBuffers come from malloc, so their random accesses then miss the TLB far less often.
 * It is read when the process starts, so it has to be in the environment of a new process.
 */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Whether an environment asks glibc for huge pages. */
export const hugePagesRequested = (env: NodeJS.ProcessEnv): boolean =>
  /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(env.GLIBC_TUNABLES ?? '');

/** The environment with the huge-page tunable added to any tunables already set. */
export function withHugePages(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (hugePagesRequested(env)) return env;
  const tunables = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE;
  return { ...env, GLIBC_TUNABLES: tunables };
}

/** Bytes of this process's memory on transparent huge pages, or null where the kernel does not say (not Linux). */
export function hugePageBytes(): number | null {
  try {
    const match = /^AnonHugePages:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Runs this process's command line again in a child process whose malloc asks for huge pages, with the same
 * standard streams; returns the child's exit status (128 + signal number when a signal ended it).
 */
export function rerunWithHugePages(): number {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: withHugePages(process.env),
  });
  if (child.error) throw child.error;
  if (child.status !== null) return child.status;
  return 128 + (child.signal ? (osConstants.signals[child.signal] ?? 0) : 0);
}
