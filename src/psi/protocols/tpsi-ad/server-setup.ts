// Server setup: a cuckoo table over the distinct database hashes, each slot holding α·H(y) for the entry placed there
// and a random element where empty; published with L = α·G and the system parameters.
import { bytesToHex } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { buildCuckooTable, type CuckooOptions, type CuckooTable } from './cuckoo.js';
import { TPSI_HASH_TO_GROUP_DST, tpsiGenerator } from './outer-layer.js';
import { dhfDimensionOf, type TpsiParams } from './params.js';
import type { TpsiPublicData } from './wire-format.js';

const FILL_DST = new TextEncoder().encode('scanlab-tpsi-ad-fill-v1');

export interface TpsiServerSetup {
  readonly alpha: Scalar;
  readonly table: CuckooTable;
  readonly publicData: TpsiPublicData;
  /** Database entries after removing duplicates (a set holds each hash once). */
  readonly distinctEntries: number;
}

export function distinctInputs(inputs: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return inputs.filter((x) => {
    const hex = bytesToHex(x);
    if (seen.has(hex)) return false;
    seen.add(hex);
    return true;
  });
}

export function setupTpsiServer(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  cuckoo: CuckooOptions = {},
): TpsiServerSetup {
  const entries = distinctInputs(database);
  const table = buildCuckooTable(entries, params.cuckooEpsilon, cuckoo);
  const alpha = group.randomScalar();
  const blindingKey = group.multiply(alpha, tpsiGenerator(group));
  const bytes = new Uint8Array(table.size * group.elementBytes);
  for (let w = 0; w < table.size; w++) {
    const entry = table.slots[w]!;
    const element =
      entry >= 0
        ? group.multiply(alpha, group.hashToGroup(entries[entry]!, TPSI_HASH_TO_GROUP_DST))
        : group.hashToGroup(randomBytes(32), FILL_DST);
    bytes.set(group.encodeElement(element), w * group.elementBytes);
  }
  return {
    alpha,
    table,
    distinctEntries: entries.length,
    publicData: {
      threshold: params.threshold,
      dhfDimension: dhfDimensionOf(params),
      adBytes: params.adBytes,
      cuckooSeed: table.seed,
      tableSize: table.size,
      blindingKey,
      table: bytes,
    },
  };
}
