// How `scanlab runs merge` joins the shards of an attack run: every shard's stored units summarised as one run.
// Units record seconds per image, so overlapping shards differ in those bytes; the first copy of a unit is kept.
import type { MergeRule } from '../eval/merge.js';
import { storeAttackSummary, type AttackRunConfig } from './run.js';

const attackRule: MergeRule = {
  summarise: (store, run) => {
    storeAttackSummary(store, run.id, run.config as AttackRunConfig);
  },
  rowsCarryTimings: true,
};

export const ATTACK_MERGE_RULES: Readonly<Record<string, MergeRule>> = {
  'attack-evade': attackRule,
  'attack-collide': attackRule,
};
