// libsodium's ristretto255 functions from the system's shared library (Debian and Ubuntu: libsodium23, ≥ 1.0.18),
// called through koffi's FFI; null where no such library is installed. Native code is 2× (scalar multiplication) to
// 5× (the one-way map) faster than the WebAssembly build; the bytes are the same (one libsodium, two builds).
import { createRequire } from 'node:module';
import type { SodiumRistretto } from './sodium-ristretto.js';

/** Where libsodium's shared library is looked for, newest soname first (26: libsodium 1.0.19 and later). */
const LIBRARY_NAMES = [
  'libsodium.so.26',
  'libsodium.so.23',
  'libsodium.so',
  'libsodium.26.dylib',
  'libsodium.23.dylib',
  'libsodium.dylib',
  '/opt/homebrew/lib/libsodium.dylib',
  '/usr/local/lib/libsodium.dylib',
];

type KoffiFunction = (...args: unknown[]) => unknown;
interface KoffiLibrary {
  func(signature: string): KoffiFunction;
}
interface Koffi {
  load(path: string): KoffiLibrary;
}

/** A fixed-length byte argument, checked before C reads or writes its bytes. */
function exact(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length)
    throw new RangeError(`${what} must be ${length} bytes, got ${(bytes as Uint8Array | undefined)?.length}`);
  return bytes;
}

function bind(koffi: Koffi, name: string): SodiumRistretto | null {
  let lib: KoffiLibrary;
  try {
    lib = koffi.load(name);
  } catch {
    return null;
  }
  try {
    const init = lib.func('int sodium_init(void)');
    const version = lib.func('const char *sodium_version_string(void)');
    const fromHash = lib.func('int crypto_core_ristretto255_from_hash(_Out_ uint8_t *p, const uint8_t *r)');
    const scalarmult = lib.func(
      'int crypto_scalarmult_ristretto255(_Out_ uint8_t *q, const uint8_t *n, const uint8_t *p)',
    );
    const add = lib.func('int crypto_core_ristretto255_add(_Out_ uint8_t *r, const uint8_t *p, const uint8_t *q)');
    const isValid = lib.func('int crypto_core_ristretto255_is_valid_point(const uint8_t *p)');
    const invert = lib.func('int crypto_core_ristretto255_scalar_invert(_Out_ uint8_t *recip, const uint8_t *s)');
    const hmac = lib.func(
      'int crypto_auth_hmacsha256(_Out_ uint8_t *out, const uint8_t *in, unsigned long long inlen, const uint8_t *k)',
    );
    if ((init() as number) < 0) return null;
    const call = (what: string, f: KoffiFunction, ...args: Uint8Array[]): Uint8Array => {
      const out = new Uint8Array(32);
      if ((f(out, ...args) as number) !== 0) throw new Error(`${what} failed`);
      return out;
    };
    return {
      library: `libsodium ${version() as string} (native, ${name})`,
      fromHash: (uniform) =>
        call('crypto_core_ristretto255_from_hash', fromHash, exact(uniform, 64, 'ristretto255 uniform input')),
      scalarmult: (scalar, element) =>
        call(
          'crypto_scalarmult_ristretto255',
          scalarmult,
          exact(scalar, 32, 'ristretto255 scalar'),
          exact(element, 32, 'ristretto255 element'),
        ),
      add: (a, b) =>
        call(
          'crypto_core_ristretto255_add',
          add,
          exact(a, 32, 'ristretto255 element'),
          exact(b, 32, 'ristretto255 element'),
        ),
      isValidPoint: (element) => (isValid(exact(element, 32, 'ristretto255 element')) as number) === 1,
      scalarInvert: (scalar) =>
        call('crypto_core_ristretto255_scalar_invert', invert, exact(scalar, 32, 'ristretto255 scalar')),
      hmacSha256(key, message) {
        exact(key, 32, 'HMAC-SHA256 key');
        if (!(message instanceof Uint8Array)) throw new TypeError('HMAC-SHA256 message must be bytes');
        const out = new Uint8Array(32);
        hmac(out, message, message.length, key);
        return out;
      },
    };
  } catch {
    return null; // a libsodium older than 1.0.18 (no ristretto255), or a library of that name that is not libsodium
  }
}

let probed: SodiumRistretto | null | undefined;

/** The system's libsodium with ristretto255, bound once per thread; null when koffi or the library is missing. */
export function nativeSodium(): SodiumRistretto | null {
  if (probed !== undefined) return probed;
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch {
    return (probed = null);
  }
  probed = null;
  for (const name of LIBRARY_NAMES) {
    probed = bind(koffi, name);
    if (probed) break;
  }
  return probed;
}
