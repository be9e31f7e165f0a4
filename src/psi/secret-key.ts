// A local file format for a party's secret scalar (e.g. a prepared OPRF database's key), kept out of the network
// message namespace: it starts with an ASCII magic whose first byte is no wire version, so `decodeMessage` rejects it
// as `unknown-version` and a peer can never make a party accept one as a message.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ProtocolError } from './errors.js';
import type { PrimeOrderGroup, Scalar } from './group/group.js';
import { groupCode } from './wire.js';

const MAGIC = utf8ToBytes('scanlab-secret-key\n');
const FORMAT_VERSION = 1;

/** magic ‖ format version (u8) ‖ group id (u8) ‖ the scalar (RFC 9497 serialisation). */
export function encodeSecretKey(group: PrimeOrderGroup, key: Scalar): Uint8Array {
  const out = new Uint8Array(MAGIC.length + 2 + group.scalarBytes);
  out.set(MAGIC);
  out[MAGIC.length] = FORMAT_VERSION;
  out[MAGIC.length + 1] = groupCode(group.name);
  out.set(group.encodeScalar(key), MAGIC.length + 2);
  return out;
}

/** The key in a local key file for `group`; anything else (a network message included) is a ProtocolError. */
export function decodeSecretKey(group: PrimeOrderGroup, bytes: Uint8Array): Scalar {
  if (bytes.length !== MAGIC.length + 2 + group.scalarBytes || MAGIC.some((b, i) => bytes[i] !== b))
    throw new ProtocolError('invalid-field', 'not a scanlab secret key file');
  if (bytes[MAGIC.length] !== FORMAT_VERSION)
    throw new ProtocolError('unknown-version', `secret key format ${bytes[MAGIC.length]}`);
  if (bytes[MAGIC.length + 1] !== groupCode(group.name))
    throw new ProtocolError('wrong-group', `secret key for group id ${bytes[MAGIC.length + 1]}, not ${group.name}`);
  const key = group.decodeScalar(bytes.subarray(MAGIC.length + 2));
  if (group.isZeroScalar(key)) throw new ProtocolError('scalar-out-of-range', 'secret key is zero');
  return key;
}
