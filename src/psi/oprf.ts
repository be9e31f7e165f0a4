// RFC 9497 OPRF in base mode (0x00) over any PrimeOrderGroup: the protocol steps, with the group doing all arithmetic.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes } from '@noble/curves/utils.js';
import { PsiError, ProtocolError } from './errors.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from './group/group.js';

const MODE_OPRF = 0x00;
const MAX_INPUT_BYTES = 0xffff;

/** I2OSP(n, 2). */
function u16(n: number): Uint8Array {
  return new Uint8Array([n >>> 8, n & 0xff]);
}

/** The RFC 9497 suite bound to a group: its context string and domain separation tags. */
export interface OprfSuite {
  readonly group: PrimeOrderGroup;
  readonly hashToGroupDst: Uint8Array;
  readonly deriveKeyPairDst: Uint8Array;
}

export function oprfSuite(group: PrimeOrderGroup): OprfSuite {
  const context = concatBytes(utf8ToBytes('OPRFV1-'), new Uint8Array([MODE_OPRF]), utf8ToBytes('-' + group.suite));
  return {
    group,
    hashToGroupDst: concatBytes(utf8ToBytes('HashToGroup-'), context),
    deriveKeyPairDst: concatBytes(utf8ToBytes('DeriveKeyPair'), context),
  };
}

function checkInput(input: Uint8Array): void {
  if (input.length > MAX_INPUT_BYTES)
    throw new PsiError(`OPRF input must be at most ${MAX_INPUT_BYTES} bytes, got ${input.length}`);
}

/** RFC 9497 DeriveKeyPair (secret part): a server key from a 32-byte seed and public key info. */
export function oprfDeriveSecretKey(suite: OprfSuite, seed: Uint8Array, info: Uint8Array): Scalar {
  const deriveInput = concatBytes(seed, u16(info.length), info);
  for (let counter = 0; counter <= 255; counter++) {
    const sk = suite.group.hashToScalar(concatBytes(deriveInput, new Uint8Array([counter])), suite.deriveKeyPairDst);
    if (!suite.group.isZeroScalar(sk)) return sk;
  }
  throw new PsiError('DeriveKeyPair found no non-zero scalar');
}

function hashInput(suite: OprfSuite, input: Uint8Array): GroupElement {
  checkInput(input);
  const point = suite.group.hashToGroup(input, suite.hashToGroupDst);
  if (suite.group.isIdentity(point)) throw new PsiError('input hashes to the identity element');
  return point;
}

/** Client step 1 with a given oprfBlind (RFC 9497 Blind): the element to send is blind·H(input). */
export function oprfBlindWith(suite: OprfSuite, input: Uint8Array, blind: Scalar): GroupElement {
  return suite.group.multiply(blind, hashInput(suite, input));
}

/** Client step 1: a fresh random blind and the blinded element. */
export function oprfBlind(suite: OprfSuite, input: Uint8Array): { blind: Scalar; blinded: GroupElement } {
  const r = suite.group.randomScalar();
  return { blind: r, blinded: oprfBlindWith(suite, input, r) };
}

/** Server step (RFC 9497 BlindEvaluate): k·blinded. */
export function oprfBlindEvaluate(suite: OprfSuite, key: Scalar, blinded: GroupElement): GroupElement {
  return suite.group.multiply(key, blinded);
}

/** Hash(len(input) || input || len(element) || element || "Finalize"), the output shared by Finalize and Evaluate. */
function outputOf(suite: OprfSuite, input: Uint8Array, unblinded: GroupElement): Uint8Array {
  const element = suite.group.encodeElement(unblinded);
  return suite.group.hash(concatBytes(u16(input.length), input, u16(element.length), element, utf8ToBytes('Finalize')));
}

/** Client step 2 (RFC 9497 Finalize): removes the blind and hashes. A peer's identity element is refused. */
export function oprfFinalize(
  suite: OprfSuite,
  input: Uint8Array,
  blindScalar: Scalar,
  evaluated: GroupElement,
): Uint8Array {
  checkInput(input);
  if (suite.group.isIdentity(evaluated)) throw new ProtocolError('identity-point', 'evaluated element is the identity');
  return outputOf(suite, input, suite.group.multiply(suite.group.invertScalar(blindScalar), evaluated));
}

/** The server's own evaluation of its key on an input it knows (RFC 9497 Evaluate): equals the client's Finalize. */
export function oprfEvaluate(suite: OprfSuite, key: Scalar, input: Uint8Array): Uint8Array {
  return outputOf(suite, input, suite.group.multiply(key, hashInput(suite, input)));
}
