// libsodium's ristretto255 functions from libsodium.js, its WebAssembly build (npm libsodium-wrappers-sumo): the
// build every machine has. The module is loaded on first use: where the system's libsodium serves, it never is.
import type { SodiumRistretto } from './sodium-ristretto.js';

let loaded: Promise<SodiumRistretto> | undefined;

/** The WebAssembly libsodium, once its module has loaded (its wrappers check every length and throw on failure). */
export function wasmSodium(): Promise<SodiumRistretto> {
  loaded ??= import('libsodium-wrappers-sumo').then(async ({ default: sodium }) => {
    await sodium.ready;
    return {
      library: `libsodium ${sodium.sodium_version_string()} (WebAssembly, libsodium-wrappers-sumo)`,
      fromHash: (uniform) => sodium.crypto_core_ristretto255_from_hash(uniform),
      scalarmult: (scalar, element) => sodium.crypto_scalarmult_ristretto255(scalar, element),
      add: (a, b) => sodium.crypto_core_ristretto255_add(a, b),
      isValidPoint: (element) => sodium.crypto_core_ristretto255_is_valid_point(element),
      scalarInvert: (scalar) => sodium.crypto_core_ristretto255_scalar_invert(scalar),
      hmacSha256: (key, message) => sodium.crypto_auth_hmacsha256(message, key),
    };
  });
  return loaded;
}
