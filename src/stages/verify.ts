import { StageError, type Stage } from '../stage-context.js';
import { removeEarlierStagedCopies } from '../tasks/installer-staging.js';
import { checkNode } from '../tasks/node-checks.js';
import { describeRoles } from '../tasks/roles.js';
import { describeStates, hostLabel } from '../tasks/services.js';

/**
 * The procedure's last check: the primary is Running (active), the secondary is in Backup Mode (standby),
 * all three services run, and the version is the target. Read-only; every failed check is reported. Once all pass, the
 * installers earlier runs staged on this host are removed.
 */
export const verify: Stage = {
  async run(ctx) {
    const { checks, states, roles, activeNodes } = await checkNode(ctx);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      const splitBrain = activeNodes.length > 1;
      throw new StageError(
        `Verification failed on ${hostLabel(ctx)}: ${failed.map((c) => `${c.check} is ${c.actual}, expected ${c.expected}`).join('; ')}.`,
        `${describeStates(hostLabel(ctx), states)} Failover: ${describeRoles(roles)}.`,
        splitBrain
          ? 'Both nodes report Running (split brain): stop the JAMS services on the secondary at once, check that the ' +
              'nodes reach each other on the failover port (Failover.config), then run start and verify on the secondary again. ' +
              'Keep the maintenance window closed until verify passes.'
          : 'Keep the maintenance window closed. Look at the JAMS Client (About > JAMS Servers > Status), fix what the ' +
              'failed checks name, then re-run start and verify for this host.',
      );
    }
    await removeEarlierStagedCopies(ctx);
  },
};
