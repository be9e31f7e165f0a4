// The relay (the provider's server): stores every record exactly as received and forwards it; it cannot open the
// envelopes, reads only the header (message id, account) and hands the protocol messages to the matcher.
import { bytesToHex } from '@noble/curves/utils.js';
import { decodeRecord, type RelayRecord } from './record.js';

export interface StoredRecord {
  readonly messageId: string;
  readonly account: number;
  readonly bytes: Uint8Array;
  /** Replies the matcher sent back to the device for this message. */
  readonly replies: Uint8Array[];
  /** Messages the device sent in answer to replies (chunked's distance query), forwarded to the matcher. */
  readonly followUps: Uint8Array[];
}

export class Relay {
  private readonly records = new Map<string, StoredRecord>();

  /** Stores the bytes as they are and returns the parsed record to forward (malformed records are PipelineErrors). */
  accept(bytes: Uint8Array): RelayRecord {
    const record = decodeRecord(bytes);
    const messageId = bytesToHex(record.messageId);
    this.records.set(messageId, {
      messageId,
      account: record.account,
      bytes: bytes.slice(),
      replies: [],
      followUps: [],
    });
    return record;
  }

  /** Stores a reply on its way back to the device. */
  forwardReply(messageId: Uint8Array, reply: Uint8Array): Uint8Array {
    this.records.get(bytesToHex(messageId))?.replies.push(reply.slice());
    return reply;
  }

  /** Stores a device's answer to a reply on its way to the matcher. */
  forwardFollowUp(messageId: Uint8Array, message: Uint8Array): Uint8Array {
    this.records.get(bytesToHex(messageId))?.followUps.push(message.slice());
    return message;
  }

  stored(): StoredRecord[] {
    return [...this.records.values()];
  }

  storedBytes(): number {
    let n = 0;
    const sum = (xs: readonly Uint8Array[]): number => xs.reduce((s, x) => s + x.length, 0);
    for (const r of this.records.values()) n += r.bytes.length + sum(r.replies) + sum(r.followUps);
    return n;
  }
}
