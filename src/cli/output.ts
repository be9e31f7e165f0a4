// Where a command's result lines go: standard output, or a file given with --out, written atomically (a failure
// leaves any previous file intact and is reported as one line).
import { once } from 'node:events';
import { openAtomic } from '../util/atomic-write.js';

export interface LineOutput {
  write(line: string): Promise<void>;
  /** Publishes a file output; a no-op for standard output. */
  close(): Promise<void>;
  /** Drops a file output, leaving what was there before. */
  abort(): Promise<void>;
}

export async function openLineOutput(path: string | undefined): Promise<LineOutput> {
  if (path === undefined)
    return {
      async write(line) {
        if (!process.stdout.write(line + '\n')) await once(process.stdout, 'drain');
      },
      close: async () => undefined,
      abort: async () => undefined,
    };
  const file = await openAtomic(path);
  return { write: (line) => file.write(line + '\n'), close: () => file.commit(), abort: () => file.abort() };
}

/** Runs `body` with an output, publishing it on success and dropping it (then rethrowing) on failure. */
export async function withLineOutput<T>(path: string | undefined, body: (out: LineOutput) => Promise<T>): Promise<T> {
  const out = await openLineOutput(path);
  let result: T;
  try {
    result = await body(out);
  } catch (e) {
    await out.abort();
    throw e;
  }
  await out.close();
  return result;
}
