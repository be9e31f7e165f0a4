// Finding image files: folders are walked recursively (following symbolic links), image extensions only, sorted for
// determinism; what cannot be read is listed, not fatal.
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { ImageError } from './errors.js';

/** Extensions scanlab treats as images when walking folders (files named explicitly are always tried). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.pbm',
  '.pgm',
  '.ppm',
  '.pnm',
]);

function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** An input or folder entry that could not be read: it becomes a failed row, and the walk goes on. */
export interface UnreadableEntry {
  readonly path: string;
  readonly error: string;
}

export interface ImageListing {
  readonly files: readonly string[];
  readonly unreadable: readonly UnreadableEntry[];
}

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
};

/** Walks a folder in byte order of names, following symbolic links; `seen` holds the folders entered (dev:inode). */
async function walk(dir: string, files: string[], unreadable: UnreadableEntry[], seen: Set<string>): Promise<void> {
  let entries;
  try {
    const info = await stat(dir);
    const key = `${info.dev}:${info.ino}`;
    if (seen.has(key)) return; // a symbolic link back to a folder already walked
    seen.add(key);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    unreadable.push({ path: dir, error: `cannot read folder: ${reason(e)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, files, unreadable, seen);
    else if (e.isFile()) {
      if (isImagePath(p)) files.push(p);
    } else if (e.isSymbolicLink()) {
      const target = await stat(p).catch((err: unknown) => err);
      if (target instanceof Error) {
        if (isImagePath(p)) unreadable.push({ path: p, error: reason(target) });
      } else if ((target as Stats).isDirectory()) await walk(p, files, unreadable, seen);
      else if ((target as Stats).isFile() && isImagePath(p)) files.push(p);
    }
  }
}

/**
 * Expands files and folders into image paths: a named file is kept as given, a folder contributes its image files
 * recursively in byte order of their names, following symbolic links (a link back to a folder already walked is
 * skipped). Inputs and entries that cannot be read are listed as unreadable instead of stopping the walk.
 */
export async function walkImages(inputs: readonly string[]): Promise<ImageListing> {
  const files: string[] = [];
  const unreadable: UnreadableEntry[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch (e) {
      unreadable.push({ path: input, error: reason(e) });
      continue;
    }
    if (info.isDirectory()) await walk(input, files, unreadable, seen);
    else files.push(input);
  }
  return { files, unreadable };
}

/** As walkImages, for callers that need every input: the first unreadable one is an ImageError. */
export async function listImageFiles(inputs: readonly string[]): Promise<string[]> {
  const { files, unreadable } = await walkImages(inputs);
  const first = unreadable[0];
  if (first) throw new ImageError('unreadable', first.error, first.path);
  return [...files];
}
