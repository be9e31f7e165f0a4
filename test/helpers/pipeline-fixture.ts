// Shared fixture of the pipeline tests: the first sample JPEGs as photos of three accounts, and unrelated database
// entries (PDQ-shaped hashes with fixed bytes) to stand beside the planted ones.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hash } from '../../src/hash/types.js';
import type { PipelinePhoto } from '../../src/pipeline/run.js';

const DIR = new URL('../../datasets/sample/images/', import.meta.url).pathname;

/** The names of the first `count` JPEGs of the bundled sample, sorted. */
export function sampleJpegNames(count: number): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, count);
}

/** Those photos with their bytes, photo i sent by account i mod 3. */
export function samplePhotos(names: readonly string[]): PipelinePhoto[] {
  return names.map((name, i) => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, name))), account: i % 3 }));
}

/** Twenty unrelated database entries: PDQ-shaped hashes with fixed bytes. */
export const fillerHashes: readonly Hash[] = Array.from({ length: 20 }, (_, i) => ({
  algo: 'pdq',
  nbits: 256,
  bits: Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7 + 1) & 0xff),
  quality: 100,
}));
