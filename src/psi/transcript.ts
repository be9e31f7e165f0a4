// What one party saw in a run: every message it received (bytes and type) and every value it computed from them.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/curves/utils.js';
import type { MessageType } from './wire.js';

export type PartyRole = 'client' | 'server';
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type TranscriptEvent =
  | { readonly kind: 'received'; readonly type: MessageType; readonly bytes: Uint8Array }
  | { readonly kind: 'computed'; readonly what: string; readonly value: JsonValue };

/**
 * An append-only record of a party's view. Parties record only what they received and derived, never their keys.
 * Values the party must keep to itself (a client's synthetic-voucher choices, its OPRF outputs) go to a separate
 * confidential list, stored apart from the transcript: whoever reads them undoes what the protocol hides.
 */
export class Transcript {
  readonly events: TranscriptEvent[] = [];
  readonly confidentialEvents: { readonly what: string; readonly value: JsonValue }[] = [];
  constructor(readonly party: PartyRole) {}

  /** Records a value private to this party (never shown as part of its transcript). */
  confidential(what: string, value: JsonValue): void {
    this.confidentialEvents.push({ what, value });
  }

  received(type: MessageType, bytes: Uint8Array): void {
    this.events.push({ kind: 'received', type, bytes });
  }

  computed(what: string, value: JsonValue): void {
    this.events.push({ kind: 'computed', what, value });
  }
}

/** A transcript as JSON: messages up to `maxMessageBytes` in base64, larger ones by length, SHA-256 and first bytes. */
export interface StoredTranscript {
  readonly party: PartyRole;
  readonly events: StoredEvent[];
}
export type StoredEvent =
  | { kind: 'received'; type: MessageType; length: number; sha256: string; base64?: string; headBase64?: string }
  | { kind: 'computed'; what: string; value: JsonValue };

const HEAD_BYTES = 256;

/** A party's private values, stored apart from its transcript and labelled so. */
export interface StoredConfidential {
  readonly party: PartyRole;
  readonly confidential: true;
  readonly note: string;
  readonly events: readonly { readonly what: string; readonly value: JsonValue }[];
}

export const storeConfidential = (t: Transcript): StoredConfidential => ({
  party: t.party,
  confidential: true,
  note: `private to the ${t.party}: reading these undoes what the protocol hides from the other party`,
  events: t.confidentialEvents,
});

export function storeTranscript(t: Transcript, maxMessageBytes = 1 << 20): StoredTranscript {
  return {
    party: t.party,
    events: t.events.map((e): StoredEvent => {
      if (e.kind === 'computed') return { kind: 'computed', what: e.what, value: e.value };
      const base = {
        kind: 'received' as const,
        type: e.type,
        length: e.bytes.length,
        sha256: bytesToHex(sha256(e.bytes)),
      };
      const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
      return e.bytes.length <= maxMessageBytes
        ? { ...base, base64: b64(e.bytes) }
        : { ...base, headBase64: b64(e.bytes.subarray(0, HEAD_BYTES)) };
    }),
  };
}
