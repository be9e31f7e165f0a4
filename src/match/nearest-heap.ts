// A bounded max-heap that keeps the k nearest matches seen so far, ordered by (distance, database position).
import type { Match } from './results.js';

export class NearestHeap {
  private readonly indices: Uint32Array;
  private readonly distances: Int32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.indices = new Uint32Array(k);
    this.distances = new Int32Array(k);
  }

  /** The distance an entry must beat to enter the heap (entries arrive in increasing position, so ties lose). */
  get bound(): number {
    return this.size < this.k ? 0x7fffffff : this.distances[0]!;
  }

  /** Whether (da, ia) orders after (db, ib). */
  private static after(da: number, ia: number, db: number, ib: number): boolean {
    return da > db || (da === db && ia > ib);
  }

  /** Offers a match; kept if the heap is not full or it is nearer than the current worst. */
  offer(index: number, distance: number): void {
    if (this.k === 0) return;
    const ds = this.distances;
    const is = this.indices;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!NearestHeap.after(distance, index, ds[p]!, is[p]!)) break;
        ds[c] = ds[p]!;
        is[c] = is[p]!;
        c = p;
      }
      ds[c] = distance;
      is[c] = index;
      return;
    }
    if (!NearestHeap.after(ds[0]!, is[0]!, distance, index)) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const big = r < this.size && NearestHeap.after(ds[r]!, is[r]!, ds[l]!, is[l]!) ? r : l;
      if (!NearestHeap.after(ds[big]!, is[big]!, distance, index)) break;
      ds[c] = ds[big]!;
      is[c] = is[big]!;
      c = big;
    }
    ds[c] = distance;
    is[c] = index;
  }

  /** The kept matches, nearest first. */
  toMatches(): Match[] {
    const out: Match[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.indices[i]!, distance: this.distances[i]! });
    return out.sort((a, b) => a.distance - b.distance || a.index - b.index);
  }
}
