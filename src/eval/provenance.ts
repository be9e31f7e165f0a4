// What a run records about the software that produced it: package versions, Node, libvips, the libsodium build the
// PSI protocols run on (timings depend on it, bytes do not) and the git commit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { sodiumBuildInUse } from '../psi/group/sodium-build.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function versionOf(pkg: string): string | undefined {
  try {
    const main = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(readFileSync(main, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export interface Provenance {
  readonly scanlab: string;
  readonly node: string;
  readonly packages: Record<string, string>;
  readonly libvips: string;
  /** The sodium backend's libsodium: the system's shared library (version, file) or the WebAssembly build. */
  readonly libsodium?: string;
  readonly gitCommit?: string;
  readonly gitDirty?: boolean;
}

/** The git commit of the scanlab checkout, when it is one (an installed package has none). */
function gitState(): { gitCommit?: string; gitDirty?: boolean } {
  const run = (args: string[]): string | undefined => {
    const r = spawnSync('git', args, { cwd: packageRoot, encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const commit = run(['rev-parse', 'HEAD']);
  if (!commit) return {};
  const status = run(['status', '--porcelain', '--untracked-files=no']);
  return { gitCommit: commit, gitDirty: status !== undefined && status.length > 0 };
}

let cached: Provenance | undefined;

/** Versions of everything that can change a result; computed once per process. */
export function provenance(): Provenance {
  if (cached) return cached;
  const own = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const packages: Record<string, string> = {};
  for (const name of Object.keys(own.dependencies ?? {}).sort()) {
    const v = versionOf(name);
    if (v) packages[name] = v;
  }
  cached = {
    scanlab: own.version,
    node: process.versions.node,
    packages,
    libvips: sharp.versions.vips,
    libsodium: sodiumBuildInUse(),
    ...gitState(),
  };
  return cached;
}
