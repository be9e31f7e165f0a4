// A recipient of a (group) message: opens its own envelope of a record, checking that the envelope was sealed under
// the record's message id, account and protocol messages, and gets the original file back.
import { openEnvelope, type RecipientKeys } from './envelope.js';
import { PipelineError } from './errors.js';
import { decodeContent, decodeRecord, envelopeAad } from './record.js';

export interface ReceivedFile {
  readonly account: number;
  readonly messageId: Uint8Array;
  readonly name: string;
  readonly bytes: Uint8Array;
}

export class Recipient {
  constructor(
    /** This recipient's envelope is the index-th of each record. */
    readonly index: number,
    private readonly keys: RecipientKeys,
  ) {}

  get publicKey(): Uint8Array {
    return this.keys.publicKey;
  }

  async open(recordBytes: Uint8Array): Promise<ReceivedFile> {
    const record = decodeRecord(recordBytes);
    const envelope = record.envelopes[this.index];
    if (!envelope) throw new PipelineError('malformed-record', `no envelope for recipient ${this.index}`);
    const plaintext = await openEnvelope(this.keys, envelope, envelopeAad(record, record.protocolMessages));
    const { name, bytes } = decodeContent(plaintext);
    return { account: record.account, messageId: record.messageId, name, bytes };
  }
}
