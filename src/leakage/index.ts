// The `scanlab/leakage` entry point: what a hash reveals about its photo (inversion, re-identification, attributes) and
// what each protocol lets each party learn (subjects, attempts, the who-learns-what table, count leakage).
export { runInversionExperiment, INVERSION_RUN_KIND, DEFAULT_INVERT_CONFIG } from './invert-run.js';
export type { InvertRunConfig, InvertRunOutput, ContactSheetArtifact } from './invert-run.js';
export { runInversionStudy } from './inversion-study.js';
export type {
  InversionStudyConfig,
  InversionStudyResult,
  AlgorithmInversion,
  MethodResult,
  InversionMethod,
  Reconstructions,
} from './inversion-study.js';
export { prepareStudyImages, groupFolds, groupRepresentatives } from './study-images.js';
export type { StudyImage, StudyImagesOptions } from './study-images.js';
export type { Picture } from './thumbnail.js';
export { hashSigns } from './hash-signs.js';
export { analyticInverse, hasAnalyticInverse } from './invert-analytic.js';
export { fitLearnedInverse, applyLearnedInverse, learnedNormalEquations, addTrainingPair } from './invert-learned.js';
export type { LearnedInverse } from './invert-learned.js';
export { lumaSpectrum, whitenPicture } from './whitening.js';
export type { LumaSpectrum } from './whitening.js';
export { optimiseInverse } from './invert-optimise.js';
export type { OptimiseOptions, OptimiseResult } from './invert-optimise.js';
export { reidentificationRates, rankOfTruth, drawCandidates } from './reidentify.js';
export type { ReidentificationRates } from './reidentify.js';
export { appearanceScore, ssim, psnr } from './similarity.js';
export { runAttributesExperiment, ATTRIBUTES_RUN_KIND } from './attributes-run.js';
export type { AttributesRunConfig, AttributesSummary } from './attributes-run.js';
export { attributeLeakage } from './attributes.js';
export type { AttributeResult } from './attributes.js';
export {
  measureProtocolLeakage,
  storeProtocolLeakage,
  DEFAULT_PROTOCOL_LEAKAGE,
  PROTOCOL_LEAKAGE_RUN_KIND,
} from './protocol-leakage.js';
export type { ProtocolLeakageConfig, ProtocolLeakageSummary } from './protocol-leakage.js';
export { registerLeakageSubject, leakageSubjects, getLeakageSubject, psiSubject } from './protocol-subjects.js';
export type { LeakageSubject, SessionView } from './protocol-subjects.js';
export { registerLeakageAttempt, leakageAttempts, calibrateThreshold } from './protocol-attempts.js';
export type { LeakageAttempt, Measurement } from './protocol-attempts.js';
export { runTrials, DEFAULT_TRIAL_WORKLOAD } from './protocol-trials.js';
export type { Trial, TrialPool, TrialWorkload } from './protocol-trials.js';
export { runCountLeakage } from './count-leakage.js';
export type { CountLeakageConfig, CountLeakageResult } from './count-leakage.js';
export { runVoucherStudy } from './voucher-study.js';
export type { VoucherStudyConfig, VoucherStudyRow } from './voucher-study.js';
