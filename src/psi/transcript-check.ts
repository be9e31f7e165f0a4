// Checking a transcript read back from a run store before showing it: its shape, and that every stored message's
// bytes still hash to the SHA-256 stored beside them (a mismatch means the store was altered after the run).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/curves/utils.js';
import type { StoredTranscript } from './transcript.js';

export type TranscriptCheck =
  | { readonly ok: false; readonly problem: string }
  | { readonly ok: true; readonly transcript: StoredTranscript; readonly mismatched: readonly number[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Validates a stored transcript; `mismatched` lists the events whose stored bytes no longer match their SHA-256. */
export function checkStoredTranscript(value: unknown): TranscriptCheck {
  if (!isObject(value) || (value.party !== 'client' && value.party !== 'server') || !Array.isArray(value.events))
    return { ok: false, problem: 'not a transcript (expected {party, events[]})' };
  const mismatched: number[] = [];
  for (const [i, e] of value.events.entries()) {
    if (!isObject(e)) return { ok: false, problem: `event ${i} is not an object` };
    if (e.kind === 'computed') {
      if (typeof e.what !== 'string') return { ok: false, problem: `event ${i}: computed value without a name` };
      continue;
    }
    if (e.kind !== 'received') return { ok: false, problem: `event ${i}: unknown kind ${JSON.stringify(e.kind)}` };
    if (
      typeof e.type !== 'string' ||
      !Number.isSafeInteger(e.length) ||
      typeof e.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(e.sha256) ||
      (e.base64 !== undefined && typeof e.base64 !== 'string')
    )
      return { ok: false, problem: `event ${i}: a received message needs type, length and a hex sha256` };
    if (typeof e.base64 === 'string') {
      const bytes = Buffer.from(e.base64, 'base64');
      if (bytes.length !== e.length || bytesToHex(sha256(bytes)) !== e.sha256) mismatched.push(i);
    }
  }
  return { ok: true, transcript: value as unknown as StoredTranscript, mismatched };
}
