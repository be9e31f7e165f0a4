// Test fixtures: small images made on the fly with sharp, and a scratch folder per test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `scanlab-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic RGB gradient with some structure, width × height. */
export function gradientRgb(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = ((x ^ y) * 7) & 255;
    }
  }
  return data;
}

export function rawSharp(data: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): sharp.Sharp {
  return sharp(Buffer.from(data), { raw: { width, height, channels } });
}
