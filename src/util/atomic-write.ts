// Writing output files atomically: into a temporary file in the same folder, renamed over the target only once
// complete, so that a full disk, an error or a kill leaves the previous file intact. Devices and pipes (/dev/stdout,
// /dev/full, a FIFO) are written directly, since they cannot be replaced by a rename.
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { outputError } from './output-error.js';

/** An output file being written: chunks are buffered; `commit` publishes it, `abort` leaves the old file as it was. */
export interface AtomicFile {
  readonly path: string;
  write(chunk: string | Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

const BUFFER_BYTES = 1 << 16;

/** The temporary name a file is written under before the rename: hidden, in the same folder, unique. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Opens `path` for an atomic write; errors (a folder, a missing folder, no permission) are OutputErrors. */
export async function openAtomic(path: string): Promise<AtomicFile> {
  const existing = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw outputError(path, e);
  });
  if (existing?.isDirectory()) throw outputError(path, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  const direct = existing !== null && !existing.isFile();
  const target = direct ? path : temporaryPath(path);
  let file: FileHandle;
  try {
    file = await open(target, direct ? 'w' : 'wx', existing && !direct ? existing.mode & 0o777 : 0o666);
  } catch (e) {
    throw outputError(path, e);
  }
  let pending: (string | Uint8Array)[] = [];
  let pendingBytes = 0;
  let closed = false;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunks = pending.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
    pending = [];
    pendingBytes = 0;
    await file.writev(chunks);
  };
  const fail = async (e: unknown): Promise<never> => {
    await abort();
    throw outputError(path, e);
  };
  const abort = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await file.close().catch(() => undefined);
    if (!direct) await unlink(target).catch(() => undefined);
  };
  return {
    path,
    async write(chunk) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BUFFER_BYTES) await flush().catch(fail);
    },
    async commit() {
      try {
        await flush();
        if (!direct) await file.datasync();
        closed = true;
        await file.close();
        if (!direct) await rename(target, path);
      } catch (e) {
        closed = false;
        await fail(e);
      }
    },
    abort,
  };
}

/** Writes a whole file atomically from a string, bytes or a sequence of chunks (which may throw: nothing is replaced). */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const file = await openAtomic(path);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await file.write(data);
    else for await (const chunk of data) await file.write(chunk);
  } catch (e) {
    await file.abort();
    throw e;
  }
  await file.commit();
}
