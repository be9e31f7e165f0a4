// A pipeline run as the store keeps it and people read it: configuration, who saw what, per-photo costs, the
// reviewer's queue checked against the ground truth; and its text form.
import { formatTable } from '../util/table.js';
import type { PartyViews, PipelineConfig, PipelineCosts, PipelineResult } from './run.js';
import type { Spread } from './quantiles.js';

export interface PipelineSummary {
  readonly config: PipelineConfig;
  readonly photos: number;
  readonly accounts: number;
  readonly databaseSize: number;
  readonly views: PartyViews;
  readonly costs: PipelineCosts;
  readonly truth: {
    readonly realMatches: number;
    readonly decoys: number;
    readonly accountsAtThreshold: readonly number[];
    readonly shouldReveal: number;
    readonly revealed: number;
    /** Messages revealed that should not have been, and the reverse: both 0 when the protocol kept its promise. */
    readonly revealedWrongly: number;
    readonly missed: number;
  };
  readonly rejectedMessages: number;
}

export function summarizePipeline(r: PipelineResult): PipelineSummary {
  const m = r.messages;
  return {
    config: r.config,
    photos: m.length,
    accounts: r.accounts,
    databaseSize: r.databaseSize,
    views: r.views,
    costs: r.costs,
    truth: {
      realMatches: m.filter((x) => x.realMatch).length,
      decoys: m.filter((x) => x.decoy).length,
      accountsAtThreshold: r.accountsAtThreshold,
      shouldReveal: m.filter((x) => x.shouldReveal).length,
      revealed: m.filter((x) => x.revealed).length,
      revealedWrongly: m.filter((x) => x.revealed && !x.shouldReveal).length,
      missed: m.filter((x) => !x.revealed && x.shouldReveal).length,
    },
    rejectedMessages: m.filter((x) => x.rejected !== null).length,
  };
}

const ms = (s: Spread): [string, string] => [s.p50.toFixed(2), s.p99.toFixed(2)];

export function formatPipelineSummary(runId: string, s: PipelineSummary): string {
  const c = s.costs;
  const d = c.device;
  const lines = [
    `run ${runId}: pipeline ${s.config.protocol}, ${s.config.algo}${s.config.dihedral ? ' (dihedral)' : ''}, ` +
      `${s.photos} photos of ${s.accounts} accounts, ${s.config.recipients} recipient(s), database ${s.databaseSize}`,
    '',
    formatTable([
      ['device step', 'p50 ms', 'p99 ms'],
      ['decode', ...ms(d.decodeMs)],
      ['hash', ...ms(d.hashMs)],
      ['protocol (incl. derivative)', ...ms(d.protocolMs)],
      ['  of which visual derivative', ...ms(d.derivativeMs)],
      ['envelope', ...ms(d.envelopeMs)],
      ['total', ...ms(d.totalMs)],
      ['plain E2EE (same run)', ...ms(d.plainE2eeMs)],
      ['added over plain E2EE', ...ms(d.addedMs)],
      ['CPU: scanning send', ...ms(d.cpuMs)],
      ['CPU: plain E2EE', ...ms(d.plainE2eeCpuMs)],
      ['CPU: added', ...ms(d.addedCpuMs)],
      ['relay', ...ms(c.server.relayMs)],
      ['matcher', ...ms(c.server.matcherMs)],
    ]).trimEnd(),
    '',
    `bytes per photo: ${c.bytesPerPhoto.record.toFixed(0)} on the wire vs ${c.bytesPerPhoto.plainRecord.toFixed(0)} ` +
      `plain E2EE (+${c.bytesPerPhoto.added.toFixed(0)}: protocol ${c.bytesPerPhoto.protocol.toFixed(0)}); ` +
      `envelope per recipient ${c.bytesPerPhoto.perRecipientEnvelope.toFixed(0)}`,
    `relay: stored ${s.views.relay.records} records, ${s.views.relay.bytes} bytes; ` +
      (s.views.relay.hashInTheClear
        ? 'it sees every hash in the clear (plaintext protocol, by design)'
        : 'no hash or photo in the clear'),
    `matcher learns: ${s.views.matcher.learner}; reviewer saw ${s.views.reviewer.items} messages ` +
      `(${s.views.reviewer.falsePositives} not real matches)` +
      (s.views.reviewer.derivativesShown ? ', with visual derivatives' : ''),
    `ground truth: ${s.truth.realMatches} real matches, ${s.truth.decoys} decoy messages, accounts at t: ` +
      `${s.truth.accountsAtThreshold.join(', ') || 'none'}; should reveal ${s.truth.shouldReveal}, revealed ` +
      `${s.truth.revealed} (wrongly ${s.truth.revealedWrongly}, missed ${s.truth.missed})`,
    `recipients: opened ${s.views.recipients.opened}, byte-identical ${s.views.recipients.byteIdentical}, rejected ${s.views.recipients.rejected}`,
  ];
  return lines.join('\n') + '\n';
}
