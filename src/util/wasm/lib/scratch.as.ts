// Shared by the WebAssembly kernels (AssemblyScript): one scratch area at the start of the free heap, grown on demand.

/**
 * A scratch area of at least `bytes` bytes, 16-byte aligned, at the start of the free heap (the same area on every
 * call): the caller lays out its inputs and outputs in it. Returns 0 when memory cannot grow.
 */
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const pages = <i32>((base + bytes + 0xffff) >>> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) return 0;
  return base;
}
