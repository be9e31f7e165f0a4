// The provider's human reviewer: sees what the matcher revealed, for tpsi-ad the associated data of real matches of
// accounts at or above the threshold (message id + visual derivative), so a researcher sees what a reviewer sees.
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { MESSAGE_ID_BYTES } from './record.js';
import type { Reveal } from './scan-protocol.js';

export interface ReviewItem {
  readonly account: number;
  readonly messageId: string;
  /** The visual derivative (JPEG) the reviewer sees; null when the protocol reveals no ad. */
  readonly derivative: Uint8Array | null;
  /** Whether the message id inside the ad is the message the voucher was relayed with. */
  readonly adNamesItsMessage: boolean | null;
}

/** The reviewer's queue from the matcher's reveals. */
export function reviewQueue(reveals: readonly Reveal[]): ReviewItem[] {
  return reveals.map((r) => {
    if (!r.ad || r.ad.length < MESSAGE_ID_BYTES)
      return { account: r.account, messageId: bytesToHex(r.messageId), derivative: null, adNamesItsMessage: null };
    return {
      account: r.account,
      messageId: bytesToHex(r.messageId),
      derivative: r.ad.slice(MESSAGE_ID_BYTES),
      adNamesItsMessage: equalBytes(r.ad.subarray(0, MESSAGE_ID_BYTES), r.messageId),
    };
  });
}
