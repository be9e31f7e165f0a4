// Pipeline sections: per stored pipeline run, who saw what (device, relay, matcher, reviewer, recipients), the
// per-photo costs beside plain end-to-end encryption measured in the same run, and the reviewer's queue.
import type { PipelineSummary } from '../../pipeline/summary.js';
import type { Spread } from '../../pipeline/quantiles.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { formatFixed, numberCell, textCell } from '../format.js';
import type { Block, ReportSection } from '../model.js';

interface StoredReviewItem {
  readonly account: number;
  readonly messageId: string;
  readonly photo: string;
  readonly realMatch: boolean;
  readonly derivative: string | null;
}

const ms = (s: Spread): string => `${formatFixed(s.p50, 2)} / ${formatFixed(s.p99, 2)}`;

function pipelineSection(r: RunWithSummary<PipelineSummary>, several: boolean): ReportSection {
  const { input, summary: s } = r;
  const runIds = [input.run.id];
  const id = runSectionId('pipeline', input, several);
  const c = s.costs;
  const d = c.device;
  const v = s.views;
  const reviewer = (input.artifacts.reviewer as readonly StoredReviewItem[] | undefined) ?? [];
  const whoSees = [
    `Sender devices (${s.accounts} accounts, ${s.photos} photos): decode, ${s.config.algo}${s.config.dihedral ? ' in eight rotations/flips' : ''}, the ${s.config.protocol} client message, and one HPKE envelope per recipient (${s.config.recipients}). ${v.device.learnsResult ? `The device learns whether each photo matched (${v.device.matchesLearned} did).` : 'The device learns nothing about matches.'}`,
    `Relay: stored ${v.relay.records} records, ${v.relay.bytes} bytes; it reads message id and account and cannot open the envelopes. ${v.relay.hashInTheClear ? 'It sees every photo hash in the clear: the plaintext protocol does that by design.' : 'Tests check that its bytes hold neither photo bytes nor photo hashes.'}`,
    `Matcher: the ${s.config.protocol} server side; the match result goes to the ${v.matcher.learner}.`,
    `Reviewer: saw ${v.reviewer.items} messages, ${v.reviewer.falsePositives} of them not real matches${v.reviewer.derivativesShown ? ', each as a 64×64 greyscale JPEG visual derivative with its message id' : ', without any image'}. Ground truth: ${s.truth.realMatches} real matches, ${s.truth.decoys} messages with synthetic vouchers, accounts at the threshold: ${s.truth.accountsAtThreshold.join(', ') || 'none'}; revealed ${s.truth.revealed} of ${s.truth.shouldReveal} that the protocol should reveal (wrongly ${s.truth.revealedWrongly}, missed ${s.truth.missed}).`,
    `Recipients: opened ${v.recipients.opened} envelopes, ${v.recipients.byteIdentical} byte-identical to the originals, ${v.recipients.rejected} rejected.`,
  ];
  const row = (label: string, value: string, n: number) => ({
    runIds,
    cells: [textCell(label), numberCell(n, value)],
  });
  const blocks: Block[] = [
    { kind: 'list', title: 'Who sees what', items: whoSees },
    {
      kind: 'table',
      id: `${id}-costs`,
      caption: 'Per-photo costs (milliseconds p50 / p99 on the machine of the run; bytes are means)',
      runIds,
      columns: [
        { key: 'what', label: 'Measure' },
        { key: 'value', label: 'Value', numeric: true },
      ],
      rows: [
        row('device: decode', ms(d.decodeMs), d.decodeMs.p50),
        row('device: hash', ms(d.hashMs), d.hashMs.p50),
        row('device: protocol message (incl. visual derivative)', ms(d.protocolMs), d.protocolMs.p50),
        ...(d.derivativeMs ? [row('device: of which visual derivative', ms(d.derivativeMs), d.derivativeMs.p50)] : []),
        row('device: envelopes', ms(d.envelopeMs), d.envelopeMs.p50),
        row('device: total', ms(d.totalMs), d.totalMs.p50),
        row('plain E2EE of the same photo (same run)', ms(d.plainE2eeMs), d.plainE2eeMs.p50),
        row('added over plain E2EE', ms(d.addedMs), d.addedMs.p50),
        row('added CPU over plain E2EE', ms(d.addedCpuMs), d.addedCpuMs.p50),
        row('bytes on the wire per photo', formatFixed(c.bytesPerPhoto.record, 0), c.bytesPerPhoto.record),
        row('bytes of plain E2EE per photo', formatFixed(c.bytesPerPhoto.plainRecord, 0), c.bytesPerPhoto.plainRecord),
        row('bytes added per photo (protocol message)', formatFixed(c.bytesPerPhoto.added, 0), c.bytesPerPhoto.added),
        row(
          'bytes per recipient envelope',
          formatFixed(c.bytesPerPhoto.perRecipientEnvelope, 0),
          c.bytesPerPhoto.perRecipientEnvelope,
        ),
        row('relay ms per message', ms(c.server.relayMs), c.server.relayMs.p50),
        row('matcher ms per message', ms(c.server.matcherMs), c.server.matcherMs.p50),
        row(
          'matcher setup ms / published bytes',
          `${formatFixed(c.server.publishMs, 1)} / ${c.server.publishedBytes}`,
          c.server.publishMs,
        ),
      ],
      notes: [
        'Group messages: one scan per photo, one envelope per recipient; the per-recipient line is what each further recipient adds.',
        'Wall time on a shared machine grows with its load; the CPU line is closer to the work done.',
      ],
    },
  ];
  if (reviewer.length > 0)
    blocks.push({
      kind: 'table',
      id: `${id}-reviewer`,
      caption: "The reviewer's queue (the derivatives are in the run's output folder, reviewer/MESSAGE_ID.jpg)",
      runIds,
      columns: [
        { key: 'account', label: 'Account', numeric: true },
        { key: 'message', label: 'Message id' },
        { key: 'photo', label: 'Photo (ground truth, not shown to the reviewer)' },
        { key: 'real', label: 'Real match' },
        { key: 'derivative', label: 'Derivative bytes', numeric: true },
      ],
      rows: reviewer.map((x) => ({
        runIds,
        cells: [
          numberCell(x.account),
          textCell(x.messageId),
          textCell(x.photo),
          textCell(x.realMatch ? 'yes' : 'no (false positive)'),
          x.derivative ? numberCell(Buffer.from(x.derivative, 'base64').length) : textCell('none'),
        ],
      })),
    });
  return {
    id,
    title: runTitle(`Scanning before end-to-end encryption: ${s.config.protocol}`, input, several),
    runIds,
    blocks,
    keyNumbers: [
      {
        label: `Device ms added per photo over plain E2EE, p50 (${s.config.protocol}, ${s.config.algo})`,
        subject: 'pipeline',
        cell: numberCell(d.addedMs.p50, formatFixed(d.addedMs.p50, 2)),
        runIds,
      },
      {
        label: `Bytes added per photo (${s.config.protocol})`,
        subject: 'pipeline',
        cell: numberCell(c.bytesPerPhoto.added, formatFixed(c.bytesPerPhoto.added, 0)),
        runIds,
      },
    ],
  };
}

export const pipelineContributor: SectionContributor = {
  id: 'pipeline',
  kinds: ['pipeline'],
  contribute(ctx) {
    const runs = summariesOf<PipelineSummary>(ctx, 'pipeline');
    return runs.map((r) => pipelineSection(r, runs.length > 1));
  },
};
