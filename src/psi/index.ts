// The `scanlab/psi` entry point: running a private-set-intersection protocol over hashes with transcripts and costs.
export { runPsi, type PsiRunResult } from './run.js';
export { PROTOCOL_NAMES, defaultPsiConfig, type PsiConfig } from './protocols/registry.js';
export { createGroup, GROUP_NAMES, BACKEND_NAMES } from './group/create.js';
export { ProtocolError, PsiError } from './errors.js';
export { summarizeRun, formatSummary, type PsiSummary } from './summary.js';
