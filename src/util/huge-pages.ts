// Transparent huge pages for large in-memory tables: glibc's malloc asks the kernel for them when GLIBC_TUNABLES says so.
import { readFileSync } from 'node:fs';

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
