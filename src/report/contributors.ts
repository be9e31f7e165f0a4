// The registry of report section contributors, in the order their sections appear. A new capability (PSI costs,
// leakage, attacks, ...) adds its contributor here; see docs/reports.md.
import type { SectionContributor } from './context.js';
import { attackContributor } from './sections/attack.js';
import { claimsContributor } from './sections/claims.js';
import { fprContributor } from './sections/fpr.js';
import { leakageContributor } from './sections/leakage.js';
import { methodsContributor } from './sections/methods.js';
import { neuralContributor } from './sections/neural.js';
import { pipelineContributor } from './sections/pipeline.js';
import { populationContributor } from './sections/population.js';
import { psiContributor } from './sections/psi.js';
import { robustnessContributor } from './sections/robustness.js';
import { rocContributor } from './sections/roc.js';
import { simulationContributor } from './sections/simulation.js';

export const REPORT_CONTRIBUTORS: readonly SectionContributor[] = Object.freeze([
  robustnessContributor,
  fprContributor,
  rocContributor,
  populationContributor,
  claimsContributor,
  pipelineContributor,
  simulationContributor,
  attackContributor,
  psiContributor,
  leakageContributor,
  neuralContributor,
  // Keep methods last: it lists every run, including those no other contributor covers.
  methodsContributor,
]);
