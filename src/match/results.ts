// Search results: a growable buffer that kernels append to, and the sorted Match objects callers see.

/** One database entry found by a search: its position in the database and its Hamming distance to the query. */
export interface Match {
  readonly index: number;
  readonly distance: number;
}

/** Orders matches by distance, then by database position. */
function compareMatches(a: Match, b: Match): number {
  return a.distance - b.distance || a.index - b.index;
}

/** Matches appended by a kernel without allocating an object per match. */
export class MatchBuffer {
  indices = new Uint32Array(64);
  distances = new Uint16Array(64);
  length = 0;

  push(index: number, distance: number): void {
    if (this.length === this.indices.length) {
      const indices = new Uint32Array(this.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const distances = new Uint16Array(this.length * 2);
      distances.set(this.distances);
      this.distances = distances;
    }
    this.indices[this.length] = index;
    this.distances[this.length] = distance;
    this.length++;
  }

  clear(): void {
    this.length = 0;
  }

  /** The buffered matches, sorted by distance then position. */
  toMatches(): Match[] {
    const out: Match[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = { index: this.indices[i]!, distance: this.distances[i]! };
    return out.sort(compareMatches);
  }
}
