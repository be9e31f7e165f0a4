// The associated data that binds every encrypted layer of a voucher to where it belongs: wire version, group, account
// and voucher id (and, for an outer-layer slot, its index in the voucher). A layer copied into another voucher, account,
// group or slot position then fails to open, so a replay under a fresh id is a shut voucher, not a new share.
import type { PrimeOrderGroup } from '../../group/group.js';
import { WIRE_VERSION, groupCode } from '../../wire.js';
import { VOUCHER_ID_BYTES } from './wire-format.js';

/** version (u8) ‖ group id (u8) ‖ account (u32) ‖ voucher id (16 bytes). */
export function voucherContext(group: PrimeOrderGroup, account: number, id: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + VOUCHER_ID_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, WIRE_VERSION);
  view.setUint8(1, groupCode(group.name));
  view.setUint32(2, account);
  out.set(id, 6);
  return out;
}

/** The voucher context ‖ slot index (u8): the associated data of outer-layer slot `index`. */
export function slotContext(context: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(context.length + 1);
  out.set(context);
  out[context.length] = index;
  return out;
}
