// The pipeline's protocol registry: plaintext, oprf-membership, tpsi-ad and the near-duplicate ball-expansion, chunked
// and chunked-tpsi built in (src/pipeline/protocols/fuzzy.ts); other protocols add themselves with
// registerScanProtocol. ecdh-psi is not carried: its server keeps one session per client set, while the pipeline
// streams one photo at a time.
import { PipelineUsageError } from '../errors.js';
import type { ScanProtocol } from '../scan-protocol.js';
import { oprfMembershipScan } from './oprf-membership.js';
import { plaintextScan } from './plaintext.js';
import { tpsiAdScan } from './tpsi-ad.js';
import { ballExpansionScan, chunkedScan, chunkedTpsiScan } from './fuzzy.js';

const registry = new Map<string, ScanProtocol>(
  [plaintextScan, oprfMembershipScan, tpsiAdScan, ballExpansionScan, chunkedScan, chunkedTpsiScan].map((p) => [
    p.name,
    p,
  ]),
);

/** Adds a protocol to the pipeline (a second registration under the same name is a mistake). */
export function registerScanProtocol(protocol: ScanProtocol): void {
  if (registry.has(protocol.name))
    throw new PipelineUsageError(`pipeline protocol "${protocol.name}" is registered twice`);
  registry.set(protocol.name, protocol);
}

export const scanProtocolNames = (): string[] => [...registry.keys()];

export function getScanProtocol(name: string): ScanProtocol {
  const p = registry.get(name);
  if (!p)
    throw new PipelineUsageError(
      `the pipeline has no protocol "${name}" (registered: ${scanProtocolNames().join(', ')})`,
    );
  return p;
}
