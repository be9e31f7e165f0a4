// Exponential ElGamal over the PSI group, for deciding "distance ≤ r" without revealing either hash: the client
// encrypts each bit of its hash under a fresh key; for a candidate entry y the server adds the ciphertexts into an
// encryption of d = Σ x_b ⊕ y_b = |y| + Σ_{y_b=0} x_b − Σ_{y_b=1} x_b, then for every δ in 0..r returns ρ_δ·(Enc(d) − δ·G)
// with a fresh random ρ_δ, shuffled. Each decrypts to the identity exactly when d = δ, and to a uniformly random element
// otherwise, so the client learns whether d ≤ r and nothing else about d or y (semi-honest parties).
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hash } from '../../../hash/types.js';
import { PsiError } from '../../errors.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from '../../group/group.js';
import { bitAt } from './hash-bits.js';

export interface ElGamalCiphertext {
  readonly r: GroupElement;
  readonly s: GroupElement;
}

/** The generator of the encryption: hashed to the group under a tag naming the suite, so nobody knows its logarithm. */
export const fuzzyGenerator = (group: PrimeOrderGroup): GroupElement =>
  group.hashToGroup(utf8ToBytes('G'), utf8ToBytes(`scanlab-fuzzy-psi-generator-v1-${group.suite}`));

const ORDERS: Record<PrimeOrderGroup['name'], bigint> = {
  ristretto255: (1n << 252n) + 27742317777372353535851937790883648493n,
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
};

/** The scalar v mod the group order (RFC 9497 serialisation: little-endian for ristretto255, big-endian for P-256). */
export function scalarOfInteger(group: PrimeOrderGroup, v: bigint): Scalar {
  const order = ORDERS[group.name];
  let rest = ((v % order) + order) % order;
  const bytes = new Uint8Array(group.scalarBytes);
  for (let i = 0; i < bytes.length; i++) {
    bytes[group.name === 'ristretto255' ? i : bytes.length - 1 - i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return group.decodeScalar(bytes);
}

export interface ElGamalKey {
  readonly secret: Scalar;
  readonly publicKey: GroupElement;
}

export function elgamalKey(group: PrimeOrderGroup, generator: GroupElement): ElGamalKey {
  const secret = group.randomScalar();
  return { secret, publicKey: group.multiply(secret, generator) };
}

/** (ρ_b·G, ρ_b·C + x_b·G) for every bit b of the hash. */
export function encryptBits(
  group: PrimeOrderGroup,
  generator: GroupElement,
  publicKey: GroupElement,
  hash: Hash,
): ElGamalCiphertext[] {
  return Array.from({ length: hash.nbits }, (_, b) => {
    const rho = group.randomScalar();
    const masked = group.multiply(rho, publicKey);
    return {
      r: group.multiply(rho, generator),
      s: bitAt(hash.bits, hash.nbits, b) === 1 ? group.add(masked, generator) : masked,
    };
  });
}

/** Whether a ciphertext decrypts to the identity (s = c·r), i.e. encrypts zero. */
export const encryptsZero = (group: PrimeOrderGroup, secret: Scalar, ct: ElGamalCiphertext): boolean => {
  const a = group.encodeElement(group.multiply(secret, ct.r));
  const b = group.encodeElement(ct.s);
  return a.length === b.length && a.every((v, i) => v === b[i]);
};

/** The server's side: the multiples k·G it needs once per session, then r + 1 comparison ciphertexts per candidate. */
export class DistanceEvaluator {
  private readonly multiples = new Map<number, GroupElement>();
  private readonly minusOne: Scalar;

  constructor(
    private readonly group: PrimeOrderGroup,
    private readonly generator: GroupElement,
    readonly nbits: number,
    readonly maxDistance: number,
  ) {
    this.minusOne = scalarOfInteger(group, -1n);
    if (maxDistance > nbits) throw new PsiError(`radius ${maxDistance} exceeds the ${nbits}-bit hash`);
  }

  /** k·G for k ≠ 0 (computed on first use). */
  private multiple(k: number): GroupElement {
    let e = this.multiples.get(k);
    if (!e) {
      e = this.group.multiply(scalarOfInteger(this.group, BigInt(k)), this.generator);
      this.multiples.set(k, e);
    }
    return e;
  }

  private negate(e: GroupElement): GroupElement {
    return this.group.multiply(this.minusOne, e);
  }

  /** ρ_δ·(Enc(d) − δ·G) for δ = 0..r, where d is the distance between the encrypted bits and `entry`. */
  compare(bits: readonly ElGamalCiphertext[], entry: Hash): ElGamalCiphertext[] {
    if (bits.length !== entry.nbits || entry.nbits !== this.nbits)
      throw new PsiError(`${bits.length} encrypted bits for a ${entry.nbits}-bit entry`);
    const g = this.group;
    const sum = (acc: ElGamalCiphertext | undefined, ct: ElGamalCiphertext): ElGamalCiphertext =>
      acc ? { r: g.add(acc.r, ct.r), s: g.add(acc.s, ct.s) } : ct;
    let zeros: ElGamalCiphertext | undefined;
    let ones: ElGamalCiphertext | undefined;
    let weight = 0;
    bits.forEach((ct, b) => {
      if (bitAt(entry.bits, entry.nbits, b) === 1) {
        ones = sum(ones, ct);
        weight++;
      } else zeros = sum(zeros, ct);
    });
    const parts = [zeros, ones && { r: this.negate(ones.r), s: this.negate(ones.s) }].filter(
      (p): p is ElGamalCiphertext => p !== undefined,
    );
    const d = parts.slice(1).reduce<ElGamalCiphertext>((acc, p) => sum(acc, p), parts[0]!);
    return Array.from({ length: this.maxDistance + 1 }, (_, delta) => {
      const offset = weight - delta;
      const s = offset === 0 ? d.s : g.add(d.s, this.multiple(offset));
      const rho = g.randomScalar();
      return { r: g.multiply(rho, d.r), s: g.multiply(rho, s) };
    });
  }
}
