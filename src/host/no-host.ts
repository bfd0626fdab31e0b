import type { Host } from './host.js';

/**
 * The host of a stage that needs none (the report): closing it is a no-op, and any other call is a bug in that
 * stage, so it throws at once instead of starting PowerShell. A Proxy keeps it in step with every Host method.
 */
export function noHost(stage: string): Host {
  return new Proxy({} as Host, {
    get: (_target, name) =>
      name === 'close'
        ? () => Promise.resolve()
        : () =>
            Promise.reject(
              new Error(`The ${stage} stage has no JAMS host, yet it called ${String(name)}().`),
            ),
  });
}
