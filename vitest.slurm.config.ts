// Settings for the opt-in Slurm integration test (SCANLAB_SLURM_TEST=1 npm run test:slurm): one file, long timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/slurm/**/*.slurm.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
