import base from './jest.config.js';

/** `npm run test:unit`: the tests that start no PowerShell, so no precompiled PowerShell either. */
export default {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '\\.(lab|pwsh)\\.test\\.ts$'],
  globalSetup: undefined,
};
