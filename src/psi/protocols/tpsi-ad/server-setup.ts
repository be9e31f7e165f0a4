// Server setup: a cuckoo table over the distinct database hashes, each slot holding α·H(y) for the entry placed there
// and a random element where empty; published with L = α·G and the system parameters.
import { bytesToHex } from '@noble/curves/utils.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { SYSTEM_RANDOMNESS, groupWithRandom, type PsiRandomness } from '../../random.js';
import { CUCKOO_SEED_BYTES, buildCuckooTable, type CuckooOptions, type CuckooTable } from './cuckoo.js';
import { tpsiDst, tpsiGenerator, tpsiHashToGroupDst } from './outer-layer.js';
import { dhfDimensionOf, type TpsiParams } from './params.js';
import type { TpsiPublicData } from './wire-format.js';

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

export interface ServerSetupOptions {
  readonly cuckoo?: CuckooOptions;
  /** α from `secret`; cuckoo seeds and fill elements from `simulation` (the CSPRNG for both by default). */
  readonly random?: PsiRandomness;
  /** Called after each table slot. */
  readonly progress?: (done: number, total: number) => void;
}

export function setupTpsiServer(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: TpsiParams,
  options: ServerSetupOptions = {},
): TpsiServerSetup {
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const entries = distinctInputs(database);
  const table = buildCuckooTable(entries, params.cuckooEpsilon, {
    nextSeed: () => random.simulation.bytes(CUCKOO_SEED_BYTES),
    ...options.cuckoo,
  });
  const alpha = groupWithRandom(group, random.secret).randomScalar();
  const blindingKey = group.multiply(alpha, tpsiGenerator(group));
  const bytes = new Uint8Array(table.size * group.elementBytes);
  const hashDst = tpsiHashToGroupDst(group);
  const fillDst = tpsiDst('fill-', group);
  for (let w = 0; w < table.size; w++) {
    const entry = table.slots[w]!;
    const element =
      entry >= 0
        ? group.multiply(alpha, group.hashToGroup(entries[entry]!, hashDst))
        : group.hashToGroup(random.simulation.bytes(32), fillDst);
    bytes.set(group.encodeElement(element), w * group.elementBytes);
    options.progress?.(w + 1, table.size);
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
