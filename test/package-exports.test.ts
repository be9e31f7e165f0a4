import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/images.js';

// The package's public interface, as a user sees it: every name docs/api.md lists is importable through the package's
// own `exports` from the compiled dist/, nothing else is, and modules inside the package cannot be reached.

const run = promisify(execFile);

interface EntryPoint {
  readonly specifier: string;
  readonly values: readonly string[];
  readonly types: readonly string[];
}

/** The entry points and names listed in docs/api.md under "### `scanlab/...`": a Values line and a Types line each. */
function documentedEntryPoints(): EntryPoint[] {
  const doc = readFileSync(join(repoRoot, 'docs', 'api.md'), 'utf8');
  const names = (section: string, label: string): string[] => {
    const line = section.match(new RegExp(`^${label}: (.*)$`, 'm'))?.[1] ?? '';
    return [...line.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
  };
  return doc
    .split(/^### /m)
    .slice(1)
    .map((section) => ({
      specifier: section.match(/^`([^`]+)`/)?.[1] ?? '',
      values: names(section, 'Values'),
      types: names(section, 'Types'),
    }));
}

/** Runs an ES module snippet with the repository as the working directory, so `scanlab/...` resolves to this package. */
async function evalModule(code: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot });
  return JSON.parse(stdout) as unknown;
}

describe('the package exports', () => {
  const entries = documentedEntryPoints();

  beforeAll(async () => {
    // Incremental (dist/.tsbuildinfo): a few seconds when dist/ is current. Type errors elsewhere are the typecheck's
    // business; what matters here is what the compiler emits.
    await run(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: repoRoot,
      },
    ).catch(() => undefined);
    expect(existsSync(join(repoRoot, 'dist', 'index.js'))).toBe(true);
  }, 300_000);

  it('docs/api.md documents the entry points that package.json exports', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const exported = Object.keys(pkg.exports)
      .filter((k) => k !== '.' && k !== './package.json')
      .map((k) => `scanlab/${k.slice(2)}`);
    expect(entries.map((e) => e.specifier).sort()).toEqual(exported.sort());
    for (const e of entries) expect(e.values.length, e.specifier).toBeGreaterThan(0);
  });

  it('each entry point exports exactly its documented values, and `scanlab` their union', async () => {
    const specifiers = ['scanlab', ...entries.map((e) => e.specifier)];
    const keys = (await evalModule(
      `const out = {}; for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).sort();` +
        ' console.log(JSON.stringify(out));',
    )) as Record<string, string[]>;
    for (const e of entries) expect(keys[e.specifier], e.specifier).toEqual([...e.values].sort());
    expect(keys['scanlab']).toEqual([...new Set(entries.flatMap((e) => e.values))].sort());
  });

  it('each entry point declares its documented types', () => {
    for (const e of entries) {
      const dts = readFileSync(join(repoRoot, 'dist', e.specifier.slice('scanlab/'.length), 'index.d.ts'), 'utf8');
      const declared = new Set([...dts.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',')));
      const names = new Set([...declared].map((n) => n.replace(/^\s*type\s+/, '').trim()));
      expect(
        e.types.filter((t) => !names.has(t)),
        e.specifier,
      ).toEqual([]);
    }
  });

  it('modules inside the package cannot be imported', async () => {
    const codes = await evalModule(
      "const out = []; for (const s of ['scanlab/dist/hash/pdq/jarosz.js', 'scanlab/hash/pdq/jarosz', 'scanlab/cli/main'])" +
        ' { try { await import(s); out.push("imported"); } catch (e) { out.push(e.code); } } console.log(JSON.stringify(out));',
    );
    expect(codes).toEqual([
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
    ]);
  });
});
