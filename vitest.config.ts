import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Tests import workspace packages from source, so `vitest` needs no build step. */
const alias = [
  { find: /^@tickflow\/core$/, replacement: r('./packages/core/src/index.ts') },
  { find: /^@tickflow\/core\/(.*)$/, replacement: r('./packages/core/src/$1/index.ts') },
  { find: /^@tickflow\/operators$/, replacement: r('./packages/operators/src/index.ts') },
  { find: /^@tickflow\/sources$/, replacement: r('./packages/sources/src/index.ts') },
  { find: /^@tickflow\/sources\/(.*)$/, replacement: r('./packages/sources/src/$1/index.ts') },
  { find: /^@tickflow\/sinks$/, replacement: r('./packages/sinks/src/index.ts') },
  { find: /^@tickflow\/sinks\/(.*)$/, replacement: r('./packages/sinks/src/$1/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.spec.ts', 'examples/*/src/**/*.spec.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          // CI machines have 2 cores and also run the servers: give slow specs room.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/faults/**/*.test.ts', 'packages/*/test/**/*.int.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
