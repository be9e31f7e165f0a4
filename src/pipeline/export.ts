// Flat rows of a stored pipeline run for `scanlab runs export` (CSV, JSON Lines, Parquet): one row per message with
// its ground truth, outcome, per-step device timings and bytes. Client-private facts (decoy vouchers) are left out.
import type { ExportRow } from '../eval/export.js';
import { StoreError, type RunStore } from '../eval/store.js';
import type { MessageOutcome } from './run.js';
import { PIPELINE_RUN_KIND } from './store-run.js';

export const PIPELINE_EXPORT_COLUMNS = [
  'run',
  'photo',
  'account',
  'message_id',
  'real_match',
  'should_reveal',
  'revealed',
  'rejected',
  'decode_ms',
  'hash_ms',
  'protocol_ms',
  'envelope_ms',
  'total_ms',
  'plain_e2ee_ms',
  'relay_ms',
  'matcher_ms',
  'recipient_ms',
  'protocol_bytes',
  'envelope_bytes',
  'record_bytes',
  'plain_record_bytes',
] as const;

export function pipelineExportRows(store: RunStore, runId: string): { columns: string[]; rows: ExportRow[] } {
  const run = store.getRun(runId);
  if (run.kind !== PIPELINE_RUN_KIND) throw new StoreError(`run ${run.id} is a ${run.kind} run, not a pipeline run`);
  const rows = store.getResults<MessageOutcome>(run.id, 'messages').map(({ value: m }): ExportRow => ({
    run: run.id,
    photo: m.photo,
    account: m.account,
    message_id: m.messageId,
    real_match: m.realMatch ? 1 : 0,
    should_reveal: m.shouldReveal ? 1 : 0,
    revealed: m.revealed ? 1 : 0,
    rejected: m.rejected,
    decode_ms: m.timings.decodeMs,
    hash_ms: m.timings.hashMs,
    protocol_ms: m.timings.protocolMs,
    envelope_ms: m.timings.envelopeMs,
    total_ms: m.timings.totalMs,
    plain_e2ee_ms: m.plainMs,
    relay_ms: m.relayMs,
    matcher_ms: m.matcherMs,
    recipient_ms: m.recipientMs,
    protocol_bytes: m.protocolBytes,
    envelope_bytes: m.envelopeBytes,
    record_bytes: m.recordBytes,
    plain_record_bytes: m.plainRecordBytes,
  }));
  return { columns: [...PIPELINE_EXPORT_COLUMNS], rows };
}
