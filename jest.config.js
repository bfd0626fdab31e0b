import { createDefaultEsmPreset } from 'ts-jest';

/** @type {import('jest').Config} */
export default {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/setup.ts'],
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  // pwsh-backed tests spend part of their time in the lab's waits: a third worker fills them on 2 cores.
  maxWorkers: 3,
  testTimeout: 120000,
};
