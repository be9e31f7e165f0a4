// The server's side of the detectable hash function: incremental Gaussian elimination over the rows of an account's
// opened vouchers. A row that reduces to zero closes a linear dependency; the rows in it are real. Synthetic rows are
// random in more dimensions than the account may fill, so no dependency touches them, and fewer than t real rows are
// independent, so nothing is found below the threshold.
import { ProtocolError } from '../../errors.js';
import { dhfCapacity, dhfRow } from './dhf.js';
import { m31Inv, m31Mul, m31Sub } from './m31.js';

interface BasisVector {
  /** The first non-zero column (the vector is 1 there and 0 at every earlier vector's pivot). */
  readonly pivot: number;
  readonly row: Uint32Array;
  /** The vector as a combination of the rows added so far (index = order of addition). */
  readonly combination: Uint32Array;
}

export class DhfDetector {
  private readonly basis: BasisVector[] = [];
  private readonly realRows = new Set<number>();
  private rows = 0;
  private readonly maxRank: number;

  constructor(
    readonly threshold: number,
    readonly dimension: number,
  ) {
    this.maxRank = threshold - 1 + dhfCapacity(dimension);
  }

  get rowCount(): number {
    return this.rows;
  }

  get rank(): number {
    return this.basis.length;
  }

  get realCount(): number {
    return this.realRows.size;
  }

  isReal(row: number): boolean {
    return this.realRows.has(row);
  }

  /**
   * Adds the next row (x and m values, all below 2^31 − 1) and returns the rows newly found real, in increasing order.
   * A row that would raise the rank past what an honest account can reach (t − 1 for its real rows plus the synthetic
   * capacity) is rejected before anything changes: beyond that, random rows could close spurious dependencies.
   */
  add(x: number, values: Uint32Array): number[] {
    if (values.length !== this.dimension)
      throw new ProtocolError('wrong-count', `DHF row has ${values.length} values, expected ${this.dimension}`);
    const index = this.rows;
    const v = dhfRow(this.threshold, x, values);
    const combination = new Uint32Array(index + 1);
    combination[index] = 1;
    for (const b of this.basis) {
      const c = v[b.pivot]!;
      if (c === 0) continue;
      const row = b.row;
      for (let i = b.pivot; i < v.length; i++) if (row[i] !== 0) v[i] = m31Sub(v[i]!, m31Mul(c, row[i]!));
      const bc = b.combination;
      for (let i = 0; i < bc.length; i++) if (bc[i] !== 0) combination[i] = m31Sub(combination[i]!, m31Mul(c, bc[i]!));
    }
    const pivot = v.findIndex((e) => e !== 0);
    if (pivot >= 0) {
      if (this.basis.length + 1 > this.maxRank) {
        throw new ProtocolError(
          'oversized',
          `an account's vouchers exceed the DHF capacity (rank ${this.maxRank}): more synthetic vouchers than ${dhfCapacity(this.dimension)}`,
        );
      }
      const inverse = m31Inv(v[pivot]!);
      for (let i = pivot; i < v.length; i++) v[i] = m31Mul(v[i]!, inverse);
      for (let i = 0; i <= index; i++) combination[i] = m31Mul(combination[i]!, inverse);
      this.basis.push({ pivot, row: v, combination });
      this.rows++;
      return [];
    }
    this.rows++;
    const found: number[] = [];
    for (let i = 0; i <= index; i++) {
      if (combination[i] !== 0 && !this.realRows.has(i)) {
        this.realRows.add(i);
        found.push(i);
      }
    }
    return found;
  }
}
