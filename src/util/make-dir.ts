// Creating an output folder and its missing parents one level at a time, with bounded work: Node's recursive mkdir
// retries forever on pseudo file systems such as /proc, where creating a folder fails with "no such file".
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OutputError, outputError } from './output-error.js';

const codeOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** Makes sure `path` is a folder, creating it and its missing parents; any failure is an OutputError naming it. */
export async function makeDir(path: string): Promise<void> {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    let info;
    try {
      info = await stat(p);
    } catch (e) {
      if (codeOf(e) !== 'ENOENT') throw outputError(path, e);
    }
    if (info) {
      if (!info.isDirectory())
        throw new OutputError(
          p === resolve(path)
            ? `${path}: is a file, not a folder`
            : `${path}: cannot create it: ${p} is a file, not a folder`,
          2,
        );
      break;
    }
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (e) {
      if (codeOf(e) === 'EEXIST' && (await stat(dir).catch(() => null))?.isDirectory()) continue;
      if (codeOf(e) === 'ENOENT' || codeOf(e) === 'EPERM' || codeOf(e) === 'EACCES')
        throw new OutputError(`${path}: cannot create folder ${dir} there (${codeOf(e)})`, 2);
      throw outputError(path, e);
    }
  }
}
