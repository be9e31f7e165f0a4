// Regenerates synthetic-cpp.csv: the C++ reference tool's hashes of deterministic synthetic images (see README.md).
// Usage: PDQ_CPP_HASHER=/path/to/pdq-photo-hasher npx tsx test/vectors/pdq-pixels/make-synthetic.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePnm, pixelsDir, syntheticCases } from './pdq-vectors.js';

const hasher = process.env.PDQ_CPP_HASHER;
if (!hasher) throw new Error('set PDQ_CPP_HASHER to the path of ThreatExchange pdq-photo-hasher');
const dir = mkdtempSync(join(tmpdir(), 'pdq-synthetic-'));
try {
  const cases = syntheticCases();
  const files = cases.map((c) => {
    const file = join(dir, `${c.name}.pnm`);
    writeFileSync(file, encodePnm(c.image));
    return file;
  });
  const run = (args: string[]): string[] => execFileSync(hasher, [...args, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n');
  const single = run([]);
  const dihedral = run(['--pdqdih-across']);
  const rows = cases.map((c, i) => {
    const [hash, quality] = single[i]!.split(',');
    const variants = dihedral[i]!.split(',').slice(0, 9);
    return [c.name, hash, quality, ...variants].join(',');
  });
  const header = 'name,hash_hex,quality,original,rotate90,rotate180,rotate270,flipx,flipy,flipplus1,flipminus1,dihedral_quality';
  writeFileSync(join(pixelsDir, 'synthetic-cpp.csv'), [header, ...rows].join('\n') + '\n');
  process.stdout.write(`wrote ${rows.length} rows\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
