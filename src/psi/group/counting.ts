// Wraps a group so that every operation a party performs is counted: the "group operations" column of a run's costs.
import type { PrimeOrderGroup } from './group.js';

export interface GroupOpCounts {
  hashToGroup: number;
  hashToScalar: number;
  multiply: number;
  add: number;
  invertScalar: number;
  randomScalar: number;
  decodeElement: number;
  encodeElement: number;
}

export const zeroOpCounts = (): GroupOpCounts => ({
  hashToGroup: 0,
  hashToScalar: 0,
  multiply: 0,
  add: 0,
  invertScalar: 0,
  randomScalar: 0,
  decodeElement: 0,
  encodeElement: 0,
});

/** The same group with a live counter of the operations called through it. */
export function countingGroup(group: PrimeOrderGroup): { group: PrimeOrderGroup; counts: GroupOpCounts } {
  const counts = zeroOpCounts();
  const counted: PrimeOrderGroup = {
    ...group,
    hashToGroup: (m, dst) => (counts.hashToGroup++, group.hashToGroup(m, dst)),
    hashToScalar: (m, dst) => (counts.hashToScalar++, group.hashToScalar(m, dst)),
    multiply: (s, e) => (counts.multiply++, group.multiply(s, e)),
    add: (a, b) => (counts.add++, group.add(a, b)),
    invertScalar: (s) => (counts.invertScalar++, group.invertScalar(s)),
    randomScalar: () => (counts.randomScalar++, group.randomScalar()),
    decodeElement: (b) => (counts.decodeElement++, group.decodeElement(b)),
    encodeElement: (e) => (counts.encodeElement++, group.encodeElement(e)),
  };
  return { group: counted, counts };
}
