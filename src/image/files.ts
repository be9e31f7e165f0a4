// Finding image files: folders are walked recursively, image extensions only, sorted for determinism.
import { readdir, stat } from 'node:fs/promises';
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

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && isImagePath(p)) out.push(p);
  }
}

/**
 * Expands files and folders into a list of image paths: a named file is kept as given, a folder contributes
 * its image files recursively in byte order of their names. A missing input is an ImageError.
 */
export async function listImageFiles(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      throw new ImageError('unreadable', 'no such file or folder', input);
    }
    if (info.isDirectory()) await walk(input, out);
    else out.push(input);
  }
  return out;
}
