// WebAssembly kernel (AssemblyScript, compiled by `npm run build:wasm`): the distance histogram over cross-group
// pairs of packed hashes, the inner loop of FPR experiments. Hamming distance is XOR then popcount, here the
// machine's 64-bit popcount instruction; the JavaScript kernel in src/eval/pair-distances.ts is its oracle.

export { reserve } from './lib/scratch.as';

/**
 * Adds to the u64 histogram at `hist` the distance of every pair (i, j) with from <= i < to and ends[i] <= j < count,
 * where `hashes` holds `count` rows of `words` 32-bit words and `ends[i]` is the first row after row i's group.
 */
export function pairHistogram(
  hashes: usize,
  words: i32,
  count: i32,
  ends: usize,
  from: i32,
  to: i32,
  hist: usize,
): void {
  if (words == 8) histogram256(hashes, count, ends, from, to, hist);
  else if (words == 2) histogram64(hashes, count, ends, from, to, hist);
  else histogramAny(hashes, words, count, ends, from, to, hist);
}

function bump(hist: usize, d: u64): void {
  const at = hist + ((<usize>d) << 3);
  store<u64>(at, load<u64>(at) + 1);
}

function histogram256(hashes: usize, count: i32, ends: usize, from: i32, to: i32, hist: usize): void {
  for (let i = from; i < to; i++) {
    const a = hashes + ((<usize>i) << 5);
    const a0 = load<u64>(a);
    const a1 = load<u64>(a, 8);
    const a2 = load<u64>(a, 16);
    const a3 = load<u64>(a, 24);
    let b = hashes + ((<usize>load<i32>(ends + ((<usize>i) << 2))) << 5);
    const end = hashes + ((<usize>count) << 5);
    for (; b < end; b += 32) {
      const d =
        popcnt<u64>(a0 ^ load<u64>(b)) +
        popcnt<u64>(a1 ^ load<u64>(b, 8)) +
        popcnt<u64>(a2 ^ load<u64>(b, 16)) +
        popcnt<u64>(a3 ^ load<u64>(b, 24));
      bump(hist, d);
    }
  }
}

function histogram64(hashes: usize, count: i32, ends: usize, from: i32, to: i32, hist: usize): void {
  for (let i = from; i < to; i++) {
    const a0 = load<u64>(hashes + ((<usize>i) << 3));
    let b = hashes + ((<usize>load<i32>(ends + ((<usize>i) << 2))) << 3);
    const end = hashes + ((<usize>count) << 3);
    for (; b < end; b += 8) bump(hist, popcnt<u64>(a0 ^ load<u64>(b)));
  }
}

function histogramAny(hashes: usize, words: i32, count: i32, ends: usize, from: i32, to: i32, hist: usize): void {
  const stride = (<usize>words) << 2;
  for (let i = from; i < to; i++) {
    const a = hashes + <usize>i * stride;
    for (let j = load<i32>(ends + ((<usize>i) << 2)); j < count; j++) {
      const b = hashes + <usize>j * stride;
      let d: u32 = 0;
      for (let w: usize = 0; w < stride; w += 4) d += popcnt<u32>(load<u32>(a + w) ^ load<u32>(b + w));
      bump(hist, <u64>d);
    }
  }
}
