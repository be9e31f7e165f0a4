// Which build of libsodium the sodium backend uses: SCANLAB_SODIUM, and what a run records. Kept free of the
// libraries themselves, so that recording a run's provenance loads neither.
import { PsiError } from '../errors.js';
import { nativeSodium } from './sodium-native.js';
import type { SodiumRistretto } from './sodium-ristretto.js';

/** Which build of libsodium: the system's shared library, the WebAssembly one, or the first of them available. */
export type SodiumBuild = 'native' | 'wasm' | 'auto';

/** `SCANLAB_SODIUM=native|wasm` chooses the build for every sodium group of the process (worker threads included). */
export function buildFromEnvironment(): SodiumBuild {
  const chosen = process.env['SCANLAB_SODIUM'] ?? 'auto';
  if (chosen === 'native' || chosen === 'wasm' || chosen === 'auto') return chosen;
  throw new PsiError(`SCANLAB_SODIUM must be native, wasm or auto, not "${chosen}"`);
}

/** The system's libsodium when `build` may use it and it is installed; null where the WebAssembly build serves. */
export function nativeFor(build: SodiumBuild): SodiumRistretto | null {
  return build === 'wasm' ? null : nativeSodium();
}

/** Which libsodium the sodium backend runs on in this process (for run records), without loading the WebAssembly. */
export function sodiumBuildInUse(): string {
  return nativeFor(buildFromEnvironment())?.library ?? 'libsodium (WebAssembly, libsodium-wrappers-sumo)';
}
