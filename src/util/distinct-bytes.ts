// Repeated byte strings removed from a list, first occurrences kept in order: an open-addressing table of indices
// keyed by each string's 32-bit FNV-1a hash, the bytes compared only where hashes agree (no string built per input).

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over the bytes (the length included, so that a prefix and its zero-padded copy differ in hash). */
export function fnv1a32(bytes: Uint8Array): number {
  let h = Math.imul(FNV_OFFSET ^ (bytes.length & 0xff), FNV_PRIME);
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The inputs without repeats (equal bytes), each kept at its first occurrence, in input order. */
export function distinctByteArrays(inputs: readonly Uint8Array[]): Uint8Array[] {
  let capacity = 16;
  while (capacity < inputs.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const hashes = new Uint32Array(capacity);
  const out: Uint8Array[] = [];
  for (const x of inputs) {
    const h = fnv1a32(x);
    let at = h & mask;
    let repeated = false;
    for (; slots[at]! >= 0; at = (at + 1) & mask) {
      if (hashes[at] === h && sameBytes(out[slots[at]!]!, x)) {
        repeated = true;
        break;
      }
    }
    if (repeated) continue;
    slots[at] = out.length;
    hashes[at] = h;
    out.push(x);
  }
  return out;
}
