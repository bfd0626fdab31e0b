import * as core from '@actions/core';
import { run } from './main.js';

// run() reports its own failures; this catches only a fault in the reporting itself.
await run().catch((err: Error) =>
  core.setFailed(`jams-upgrade failed unexpectedly: ${err.stack ?? err.message}`),
);
