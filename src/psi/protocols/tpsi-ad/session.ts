// A tpsi-ad run's inputs: the client's photos split round-robin across simulated accounts, each with a random voucher
// id and, as its associated data, its photo index and hash (standing in for the visual derivative of the design).
import { PsiError } from '../../errors.js';
import type { PrimeOrderGroup } from '../../group/group.js';
import { SYSTEM_RANDOMNESS, type PsiRandomness, type RandomSource } from '../../random.js';
import type { WireLimits } from '../../wire.js';
import type { CuckooOptions } from './cuckoo.js';
import { tpsiClient, tpsiServer, type TpsiClientParty, type TpsiServerParty } from './parties.js';
import type { TpsiParams } from './params.js';
import type { TpsiPhoto } from './voucher.js';
import { VOUCHER_ID_BYTES } from './wire-format.js';

/** ad = photo index (u32, big-endian) || the photo's PSI input. */
export function photoAd(index: number, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + input.length);
  new DataView(out.buffer).setUint32(0, index);
  out.set(input, 4);
  return out;
}

/** The photo index an ad names, if it is long enough to name one. */
export const photoIndexOfAd = (ad: Uint8Array): number | undefined =>
  ad.length >= 4 ? new DataView(ad.buffer, ad.byteOffset, ad.byteLength).getUint32(0) : undefined;

/** Photo i belongs to account i mod `accounts`; voucher ids come from `ids` (the simulation's stream). */
export function tpsiPhotos(
  queries: readonly Uint8Array[],
  accounts: number,
  ids: RandomSource = SYSTEM_RANDOMNESS.simulation,
): TpsiPhoto[] {
  if (!Number.isInteger(accounts) || accounts < 1)
    throw new PsiError(`account count must be a positive integer, got ${accounts}`);
  return queries.map((input, i) => ({
    account: i % accounts,
    input,
    id: ids.bytes(VOUCHER_ID_BYTES),
    ad: photoAd(i, input),
  }));
}

export interface TpsiSessionOptions {
  readonly limits?: WireLimits;
  readonly cuckoo?: CuckooOptions;
  readonly random?: PsiRandomness;
  readonly maxQueries?: number;
  readonly progress?: {
    readonly setup?: (done: number, total: number) => void;
    readonly client?: (done: number, total: number) => void;
  };
}

export interface TpsiParties {
  readonly photos: readonly TpsiPhoto[];
  readonly client: TpsiClientParty;
  readonly server: TpsiServerParty;
}

export function createTpsiParties(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  params: TpsiParams,
  accounts: number,
  options: TpsiSessionOptions = {},
): TpsiParties {
  const random = options.random ?? SYSTEM_RANDOMNESS;
  const photos = tpsiPhotos(queries, accounts, random.simulation);
  const { limits } = options;
  return {
    photos,
    // The run passes both sides the same parameters; each holds its own copy, and the client checks the server's.
    client: tpsiClient(group, photos, params, { limits, random, progress: options.progress?.client }),
    server: tpsiServer(group, database, params, {
      limits,
      random,
      cuckoo: options.cuckoo,
      maxQueries: options.maxQueries,
      progress: options.progress?.setup,
    }),
  };
}
