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

/**
 * Where arguments and results pass between JavaScript and C: one off-heap buffer per thread. koffi hands C a fresh
 * small Uint8Array only after V8 has moved its bytes off the JavaScript heap (about 0.8 µs each, measured); copying
 * 32–64 bytes in and out costs a few nanoseconds. Calls are synchronous, so one buffer serves them all.
 */
class Scratch {
  private bytes = new Uint8Array(new ArrayBuffer(256));
  /** The result slot, bytes 0–31. */
  readonly out = (): Uint8Array => this.bytes.subarray(0, 32);
  /** `input` copied to `at` (past the result slot), grown to fit. */
  put(input: Uint8Array, at: number): Uint8Array {
    if (at + input.length > this.bytes.length) {
      const grown = new Uint8Array(new ArrayBuffer(2 ** Math.ceil(Math.log2(at + input.length))));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const view = this.bytes.subarray(at, at + input.length);
    view.set(input);
    return view;
  }
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
    const fromHash = lib.func('int crypto_core_ristretto255_from_hash(uint8_t *p, const uint8_t *r)');
    const scalarmult = lib.func('int crypto_scalarmult_ristretto255(uint8_t *q, const uint8_t *n, const uint8_t *p)');
    const add = lib.func('int crypto_core_ristretto255_add(uint8_t *r, const uint8_t *p, const uint8_t *q)');
    const isValid = lib.func('int crypto_core_ristretto255_is_valid_point(const uint8_t *p)');
    const invert = lib.func('int crypto_core_ristretto255_scalar_invert(uint8_t *recip, const uint8_t *s)');
    const hmac = lib.func(
      'int crypto_auth_hmacsha256(uint8_t *out, const uint8_t *in, unsigned long long inlen, const uint8_t *k)',
    );
    if ((init() as number) < 0) return null;
    const scratch = new Scratch();
    /** `f(out, ...args)` with each argument copied into the scratch buffer after the result; a copy of the result. */
    const call = (what: string, f: KoffiFunction, ...args: Uint8Array[]): Uint8Array => {
      let at = 32;
      const placed = args.map((a) => {
        const view = scratch.put(a, at);
        at += a.length;
        return view;
      });
      const out = scratch.out();
      if ((f(out, ...placed) as number) !== 0) throw new Error(`${what} failed`);
      return out.slice();
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
      isValidPoint: (element) => (isValid(scratch.put(exact(element, 32, 'ristretto255 element'), 32)) as number) === 1,
      scalarInvert: (scalar) =>
        call('crypto_core_ristretto255_scalar_invert', invert, exact(scalar, 32, 'ristretto255 scalar')),
      hmacSha256(key, message) {
        exact(key, 32, 'HMAC-SHA256 key');
        if (!(message instanceof Uint8Array)) throw new TypeError('HMAC-SHA256 message must be bytes');
        const k = scratch.put(key, 32);
        const m = scratch.put(message, 64);
        const out = scratch.out();
        hmac(out, m, message.length, k);
        return out.slice();
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
