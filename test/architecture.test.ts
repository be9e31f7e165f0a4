import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/images.js';

// Keeps docs/architecture.md's layer diagram honest: every relative import in src/ must point down the diagram.
// A diagram line is a layer; a folder may import any folder on a lower line. Within a line, folders left of a `▶`
// may import those right of it, and folders joined by `·` do not import each other.

const SRC = join(repoRoot, 'src');

interface Layering {
  /** Folder → [line, position within the line] for every folder the diagram names. */
  readonly rank: ReadonlyMap<string, readonly [number, number]>;
}

function readLayering(): Layering {
  const doc = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  const section = doc.split(/^## Layers$/m)[1];
  const block = section?.match(/```\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error('docs/architecture.md: no diagram in "## Layers"');
  const rank = new Map<string, readonly [number, number]>();
  const lines = block.split('\n').filter((l) => /[a-z]/.test(l));
  lines.forEach((line, i) =>
    line.split('▶').forEach((group, j) => {
      for (const folder of group.split('·').map((f) => f.trim())) rank.set(folder, [i, j]);
    }),
  );
  return { rank };
}

/** Every .ts file under src/, as paths relative to src/ with forward slashes. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

/** The relative module specifiers a file imports or re-exports (static, dynamic and side-effect imports). */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) found.push((m[1] ?? m[2] ?? m[3])!);
  return found;
}

/** The top-level folder of a path relative to src/ (`(root)` for src/index.ts and other files directly in src/). */
const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '(root)');

describe('layering', () => {
  const { rank } = readLayering();
  const files = sourceFiles();

  it('the diagram names every folder of src/', () => {
    const folders = new Set(files.map(folderOf).filter((f) => f !== '(root)'));
    expect([...folders].filter((f) => !rank.has(f)).sort()).toEqual([]);
  });

  it('every import in src/ points down the diagram (nothing imports cli/, util/ imports nothing of scanlab)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const spec of relativeImports(text)) {
        const target = relative(SRC, resolve(dirname(join(SRC, file)), spec))
          .split(sep)
          .join('/');
        if (target.startsWith('..')) {
          violations.push(`${file} imports ${spec}, outside src/`);
          continue;
        }
        const to = folderOf(target);
        if (to === from) continue;
        const a = rank.get(from);
        const b = rank.get(to);
        const allowed =
          from === '(root)'
            ? to !== 'cli'
            : a !== undefined && b !== undefined && (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]));
        if (!allowed) violations.push(`${file} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('finds the imports it checks (an oracle for the scanner itself)', () => {
    expect(
      relativeImports(
        "import { a } from './a.js';\nimport type { B } from '../b/b.js';\nexport * from './c.js';\n" +
          "const d = await import('../d.js');\nimport './e.js';\nimport { f } from 'node:fs';\n",
      ),
    ).toEqual(['./a.js', '../b/b.js', './c.js', '../d.js', './e.js']);
    expect(rank.get('cli')?.[0]).toBe(0);
    expect(rank.get('util')?.[0]).toBe(Math.max(...[...rank.values()].map(([line]) => line)));
  });
});
