// The one-line error for an output that cannot be written: a folder given as a file, a missing folder, no permission,
// a full disk. A path the user chose badly is a usage error (exit 2); a failing device is a failure (exit 1).
import { dirname } from 'node:path';

export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** Turns a Node file-system error met while writing `path` into an OutputError with a message a user can act on. */
export function outputError(path: string, e: unknown): OutputError {
  if (e instanceof OutputError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EISDIR':
      return new OutputError(`${path}: is a folder; give a file name to write`, 2);
    case 'ENOENT':
      return new OutputError(`${path}: cannot write there: folder ${dirname(path)} does not exist`, 2);
    case 'ENOTDIR':
      return new OutputError(`${path}: cannot write there: part of the path is a file, not a folder`, 2);
    case 'EEXIST':
      return new OutputError(`${path}: cannot create it: a file of that name is in the way`, 2);
    case 'EACCES':
    case 'EPERM':
      return new OutputError(`${path}: cannot write there: permission denied`, 2);
    case 'EROFS':
      return new OutputError(`${path}: cannot write there: read-only file system`, 2);
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputError(`${path}: no space left on the device; nothing was replaced`, 1);
    default:
      return new OutputError(`${path}: cannot write: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, 1);
  }
}
