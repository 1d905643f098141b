import { defineConfig } from 'vitest/config';

/** Benchmarks run on demand (`npm run bench:NAME`), never in `npm test`. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench-run.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
