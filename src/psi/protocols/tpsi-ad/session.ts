// A tpsi-ad run's inputs: the client's photos split round-robin across simulated accounts, each with a random voucher
// id and, as its associated data, its photo index and hash (standing in for the visual derivative of the design).
import { randomBytes } from '@noble/hashes/utils.js';
import { PsiError } from '../../errors.js';
import type { PrimeOrderGroup } from '../../group/group.js';
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

/** Photo i belongs to account i mod `accounts`. */
export function tpsiPhotos(queries: readonly Uint8Array[], accounts: number): TpsiPhoto[] {
  if (!Number.isInteger(accounts) || accounts < 1)
    throw new PsiError(`account count must be a positive integer, got ${accounts}`);
  return queries.map((input, i) => ({
    account: i % accounts,
    input,
    id: randomBytes(VOUCHER_ID_BYTES),
    ad: photoAd(i, input),
  }));
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
  options: { limits?: WireLimits; cuckoo?: CuckooOptions } = {},
): TpsiParties {
  const photos = tpsiPhotos(queries, accounts);
  return {
    photos,
    client: tpsiClient(group, photos, { syntheticRate: params.syntheticRate, limits: options.limits }),
    server: tpsiServer(group, database, params, options),
  };
}
