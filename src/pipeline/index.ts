// The `scanlab/pipeline` entry point: scanning on the sending device before end-to-end encryption — the parties, the
// HPKE envelope, the protocol registry, runs, their outputs and stored summaries.
export { runPipeline, DEFAULT_PIPELINE_CONFIG, scanConfigOf, messageIdOf } from './run.js';
export type {
  PipelineConfig,
  PipelinePhoto,
  PipelineResult,
  MessageOutcome,
  PipelineCosts,
  PartyViews,
} from './run.js';
export { writePipelineOutputs } from './outputs.js';
export { loadPipelinePhotos } from './photos.js';
export type { AccountAssignment } from './photos.js';
export { storePipelineRun, PIPELINE_RUN_KIND } from './store-run.js';
export { summarizePipeline, formatPipelineSummary } from './summary.js';
export type { PipelineSummary } from './summary.js';
export { registerScanProtocol, getScanProtocol, scanProtocolNames } from './protocols/registry.js';
// Building blocks for a protocol plugged in with registerScanProtocol: device-learns and voucher protocols.
export { answeringMatcher, learningDevice } from './protocols/device-learns.js';
export { voucherMatcher, voucherDevice, voucherIdOf } from './protocols/vouchers.js';
export type {
  ScanProtocol,
  ScanConfig,
  DeviceScanner,
  Matcher,
  MessageBinding,
  ScanRequest,
  Reveal,
} from './scan-protocol.js';
export { SenderDevice } from './device.js';
export { Relay } from './relay.js';
export { Recipient } from './recipient.js';
export { reviewQueue } from './reviewer.js';
export { generateRecipientKeys, sealEnvelope, openEnvelope, hpkeSuite } from './envelope.js';
export type { Envelope, RecipientKeys } from './envelope.js';
export { encodeRecord, decodeRecord, envelopeAad } from './record.js';
export type { RelayRecord } from './record.js';
export { visualDerivative } from './derivative.js';
export { PipelineError, PipelineUsageError } from './errors.js';
