// The searchable database: a hash list plus its multi-index tables, and a searcher that picks MIH or a linear scan.
import type { Hash } from '../hash/types.js';
import { MatchError } from './errors.js';
import type { HashList } from './hash-list.js';
import { scanNearest, scanRadiusRange } from './linear-scan.js';
import { DEFAULT_COST_MODEL, defaultDesignRadius, mihPays, planLayout, type CostModel } from './mih-plan.js';
import { coveredRadius, MihSearcher } from './mih-search.js';
import { packHash } from './packed.js';
import { MatchBuffer, type Match } from './results.js';
import {
  buildSubstringTable,
  substringTableBytes,
  type SubstringLayout,
  type SubstringTable,
} from './substring-table.js';

export interface MatchIndex {
  readonly list: HashList;
  /** The radius the layout was chosen for. */
  readonly designRadius: number;
  /** The substring tables; none when a linear scan is cheaper at the design radius. */
  readonly tables: readonly SubstringTable[];
}

export interface BuildIndexOptions {
  /** Radius to tune the layout for (default: 31/256 of the hash length, PDQ's customary threshold). */
  radius?: number;
  /** A layout to use instead of the planned one (experiments, tests); [] for linear scan only. */
  layout?: readonly SubstringLayout[];
  /** Put the tables on SharedArrayBuffers so worker threads can search them (the list must be shared too). */
  shared?: boolean;
  costModel?: CostModel;
}

/** Builds the substring tables for a list. */
export function buildIndex(list: HashList, options: BuildIndexOptions = {}): MatchIndex {
  const { nbits, count } = list.hashes;
  const designRadius = options.radius ?? defaultDesignRadius(nbits);
  if (!Number.isInteger(designRadius) || designRadius < 0)
    throw new MatchError('argument', `radius must be a non-negative integer, got ${designRadius}`);
  const layout = options.layout ?? planLayout(nbits, count, designRadius, options.costModel);
  const tables = layout.map((l) => buildSubstringTable(list.hashes, l, options.shared));
  return { list, designRadius, tables };
}

/** Bytes of memory held by the packed hashes, the tables and the id/metadata columns. */
export function indexBytes(index: MatchIndex): { hashes: number; tables: number; columns: number } {
  const { list } = index;
  const columns = (list.ids?.byteLength ?? 0) + list.columns.reduce((sum, c) => sum + c.values.byteLength, 0);
  const tables = index.tables.reduce((sum, t) => sum + substringTableBytes(t), 0);
  return { hashes: list.hashes.data.byteLength, tables, columns };
}

export type SearchMethod = 'auto' | 'mih' | 'linear';

export interface SearcherOptions {
  /** `auto` (default) uses MIH where the cost model says it pays, a linear scan otherwise. */
  method?: SearchMethod;
  costModel?: CostModel;
}

/** Searches one index; holds scratch memory, so use one per thread. */
export class IndexSearcher {
  private readonly mih: MihSearcher | null;
  private readonly method: SearchMethod;
  private readonly costModel: CostModel;

  constructor(
    readonly index: MatchIndex,
    options: SearcherOptions = {},
  ) {
    this.method = options.method ?? 'auto';
    this.costModel = options.costModel ?? DEFAULT_COST_MODEL;
    if (this.method === 'mih' && index.tables.length === 0)
      throw new MatchError('argument', 'this index has no substring tables to search');
    this.mih = index.tables.length > 0 ? new MihSearcher(index.list.hashes, index.tables) : null;
  }

  /** Which method a radius query uses. */
  methodFor(radius: number): 'mih' | 'linear' {
    if (!this.mih || this.method === 'linear') return 'linear';
    if (this.method === 'mih') return 'mih';
    const { count, nbits } = this.index.list.hashes;
    return mihPays(count, nbits, this.index.tables, radius, this.costModel) ? 'mih' : 'linear';
  }

  /** The packed words of a query hash, which must match the index's algorithm and length. */
  pack(query: Hash): Int32Array {
    const { list } = this.index;
    if (query.nbits !== list.hashes.nbits || query.algo !== list.algo) {
      throw new MatchError(
        'argument',
        `cannot search ${list.hashes.nbits}-bit ${list.algo} hashes with a ${query.nbits}-bit ${query.algo} hash`,
      );
    }
    return packHash(query);
  }

  /** Appends every entry within `radius` of the packed query to `out`, in no particular order. */
  radiusInto(query: Int32Array, radius: number, out: MatchBuffer): void {
    if (this.methodFor(radius) === 'mih') this.mih!.radiusInto(query, radius, out);
    else scanRadiusRange(this.index.list.hashes, query, radius, out);
  }

  /** Every entry within `radius` of the query, nearest first (ties by position). */
  radius(query: Hash | Int32Array, radius: number): Match[] {
    const out = new MatchBuffer();
    this.radiusInto(query instanceof Int32Array ? query : this.pack(query), radius, out);
    return out.toMatches();
  }

  /**
   * The k nearest entries, nearest first (ties by position). With MIH: radius searches at growing substring
   * radius s, each complete up to m·(s+1)−1, until k entries lie within it or a linear scan becomes cheaper.
   */
  nearest(query: Hash | Int32Array, k: number): Match[] {
    const q = query instanceof Int32Array ? query : this.pack(query);
    const { hashes } = this.index.list;
    const m = this.index.tables.length;
    const out = new MatchBuffer();
    for (let s = 0; this.mih; s++) {
      const r = Math.min(coveredRadius(m, s), hashes.nbits);
      if (this.methodFor(r) === 'linear') break;
      out.clear();
      this.mih.radiusInto(q, r, out);
      if (out.length >= k || r >= hashes.nbits) return out.toMatches().slice(0, k);
    }
    return scanNearest(hashes, q, k);
  }
}
