// The `scanlab/attack` entry point: evasion and forced-collision attacks, their runs, summaries and defences.
export { attackConfig, runAttack, storeAttackSummary, ATTACK_TABLE } from './run.js';
export type { AttackRunConfig } from './run.js';
export { attackImage, AttackError } from './attack-image.js';
export type { AttackMode, AttackRequest, BlackBoxMethod } from './attack-image.js';
export type { AttackGoal, AttackLimits, AttackResult } from './goal.js';
export { attackDefences } from './defences.js';
export type { DefenceRow } from './defences.js';
export { summariseAttack } from './summary.js';
export type { AttackSummary, AlgoAttackSummary, ReachSummary } from './summary.js';
export type { AttackUnitResult, AlgoOutcome } from './unit.js';
export { linearModelFor } from './linear-model.js';
export type { LinearHashModel } from './linear-model.js';
export { HashOracle } from './oracle.js';
export { upload, UPLOAD_JPEG_QUALITY } from './upload.js';
export { toRgb } from './pixels.js';
export { evasionReach, leastEvasionChange, type EvasionReach } from './evasion-reach.js';
