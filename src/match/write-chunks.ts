// Writing a file from a sequence of chunks, with a MatchError naming the path when it cannot be opened.
import { open } from 'node:fs/promises';
import { MatchError } from './errors.js';

export async function writeChunks(path: string, chunks: Iterable<string | Uint8Array>): Promise<void> {
  let file;
  try {
    file = await open(path, 'w');
  } catch (e) {
    throw new MatchError('unreadable', `${path}: cannot write: ${(e as Error).message}`);
  }
  try {
    for (const c of chunks) await (typeof c === 'string' ? file.write(c) : file.write(c));
  } finally {
    await file.close();
  }
}
