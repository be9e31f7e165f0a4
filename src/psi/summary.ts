// The headline numbers of a PSI run, as a JSON-able object: what the `summary` artifact of a stored run holds.
import type { Accuracy } from './truth.js';
import { formatFuzzyReport, type FuzzyRunReport } from './protocols/fuzzy/observations.js';
import type { FilterInfo, PsiRunResult } from './run.js';
import type { PsiConfig } from './protocols/registry.js';

export interface PsiSummary {
  readonly config: PsiConfig;
  readonly databaseSize: number;
  readonly photos: number;
  readonly accuracy: Accuracy;
  readonly serverSetupMs: number;
  readonly publishedBytes: number;
  readonly filter: FilterInfo | null;
  readonly clientMsPerPhoto: number;
  readonly serverMsPerPhoto: number;
  readonly bytesPerPhoto: { readonly clientToServer: number; readonly serverToClient: number };
  /** Near-duplicate protocols: parameters and leakage counts (absent from older stored summaries). */
  readonly fuzzy?: FuzzyRunReport | null;
}

export function summarizeRun(r: PsiRunResult): PsiSummary {
  return {
    config: r.config,
    databaseSize: r.databaseSize,
    photos: r.queryCount,
    accuracy: r.accuracy,
    serverSetupMs: r.costs.server.setupMs,
    publishedBytes: r.costs.server.setupBytesSent,
    filter: r.filter,
    clientMsPerPhoto: r.costs.client.msPerPhoto,
    serverMsPerPhoto: r.costs.server.msPerPhoto,
    bytesPerPhoto: r.costs.bytesPerPhoto,
    fuzzy: r.fuzzy,
  };
}

/** The summary as a few lines of text for a terminal. */
export function formatSummary(runId: string, s: PsiSummary): string {
  const { config: c, accuracy: a } = s;
  const lines = [
    `psi run ${runId}: ${c.protocol}${c.protocol === 'plaintext' ? '' : ` on ${c.group}/${c.backend}`}, ${s.databaseSize} database entries, ${s.photos} photos, seed ${c.seed}`,
  ];
  if (c.deterministicKeys)
    lines.push(
      `DETERMINISTIC KEYS from seed ${c.seed}: reproducible, NOT FOR DEPLOYMENT (anyone with the seed has the keys)`,
    );
  const withheld = a.withheldByDesign === undefined ? '' : `, withheld by design ${a.withheldByDesign}`;
  const items =
    a.truePositives === undefined
      ? ''
      : ` (true ${a.truePositives}, false positives ${a.falsePositives}, false negatives ${a.falseNegatives}${withheld})`;
  const what =
    a.outcome === 'cardinality'
      ? 'intersection size'
      : a.outcome === 'database-matches'
        ? 'matching database entries'
        : 'matching photos';
  const truth = 'fuzzy' in c ? `plaintext Hamming truth (distance ≤ ${c.fuzzy.maxDistance})` : 'plaintext truth';
  lines.push(`${a.learner} learns ${what}: ${a.found}, ${truth} ${a.expected}${items}`);
  if (s.fuzzy) lines.push(...formatFuzzyReport(s.fuzzy));
  const filter = s.filter
    ? `, filter ${s.filter.bitsPerEntry.toFixed(2)} bits/entry, expected false-positive rate ${s.filter.expectedFalsePositiveRate.toExponential(1)}`
    : '';
  lines.push(`server setup ${(s.serverSetupMs / 1000).toFixed(2)} s, published ${s.publishedBytes} bytes${filter}`);
  lines.push(
    `per photo: client ${s.clientMsPerPhoto.toFixed(3)} ms, server ${s.serverMsPerPhoto.toFixed(3)} ms, ` +
      `${s.bytesPerPhoto.clientToServer.toFixed(0)} bytes client→server, ${s.bytesPerPhoto.serverToClient.toFixed(0)} bytes server→client`,
  );
  return lines.join('\n') + '\n';
}
