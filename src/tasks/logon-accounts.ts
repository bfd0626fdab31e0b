// The Log On As accounts: the recorded ones read back, passwords checked, restored after the installer.
import {
  PASSWORD_VARIABLES,
  describeChangeResult,
  isBuiltinAccount,
  isPasswordless,
  sameAccount,
} from '../jams/accounts.js';
import { ACCOUNT_RECORD_FILE, readLogOnAsRecord, type AccountRecord } from '../state/logon-accounts.js';
import { describeService, type ServiceKind, type ServiceNames, type ServiceState } from '../jams/services.js';
import { StageError, type StageContext } from '../stage-context.js';
import { describeStates, hostLabel, readServices } from './services.js';

/** The upgrade resets these services' Log On As to LocalSystem (the procedure names them). */
const RESET_BY_UPGRADE: readonly ServiceKind[] = ['scheduler', 'server'];
const KINDS: readonly ServiceKind[] = ['executor', 'server', 'scheduler'];
const PASSWORD_INPUT = { scheduler: 'scheduler-password', server: 'server-password' } as const;

export interface AccountRestore {
  kind: ServiceKind;
  service: string;
  account: string;
  /** The environment variable holding the password on the host; null for accounts without one. */
  variable: string | null;
}

export interface AccountOutcome {
  service: string;
  recorded: string;
  before: string;
  after: string;
  outcome: 'restored' | 'already' | 'would';
}

/**
 * The Log On As record preflight saved on this host; the upgrade cannot proceed without it. A dry-run of the whole
 * pipeline has none (its preflight writes nothing): it plans with the accounts the services run as now, which are
 * what that preflight would have recorded, and says so.
 */
export async function readAccountRecord(
  ctx: StageContext,
  current: Record<ServiceKind, ServiceState>,
): Promise<AccountRecord> {
  const stored = await readLogOnAsRecord(ctx);
  if (!stored.data) {
    ctx.refuse(
      new StageError(
        `There is no Log On As record on ${hostLabel(ctx)} yet (a dry-run preflight writes none): ${stored.path} is ` +
          'missing, so the accounts the upgrade resets could not be put back.',
        'Nothing was changed.',
        'Run the preflight stage for this host before the services are stopped (it records the accounts), then ' +
          're-run this job.',
      ),
    );
    ctx.log.info('[dry-run] planning with the accounts the services run as now');
    const planned: AccountRecord = {
      recordedAt: new Date().toISOString(),
      computerName: ctx.record.host?.computerName ?? '',
      accounts: Object.fromEntries(Object.values(current).map((s) => [s.name, s.account ?? ''])),
    };
    ctx.record.data.logOnAsRecord = planned;
    return planned;
  }
  const computer = ctx.record.host?.computerName;
  if (
    computer &&
    stored.data.computerName &&
    stored.data.computerName.toLowerCase() !== computer.toLowerCase()
  ) {
    throw new StageError(
      `The Log On As record ${stored.path} belongs to ${stored.data.computerName}, not to ${computer}.`,
      'Nothing was changed.',
      `Check the 'state-folder' input (it must be local to each host), run preflight on ${computer}, then re-run this job.`,
    );
  }
  ctx.record.data.logOnAsRecord = stored.data;
  return stored.data;
}

/** The secret input whose password belongs to an account, as the variable name PowerShell reads. */
function variableFor(
  ctx: StageContext,
  names: ServiceNames,
  record: AccountRecord,
  account: string,
): string | null {
  const kinds = (['scheduler', 'server'] as const).filter(
    (k) => ctx.settings.passwords[k] !== undefined && sameAccount(record.accounts[names[k]], account),
  );
  if (kinds.length === 2 && ctx.settings.passwords.scheduler !== ctx.settings.passwords.server) {
    throw new StageError(
      `'scheduler-password' and 'server-password' differ, and both services run as ${account}.`,
      'Nothing was changed.',
      `Give the password of ${account} in both inputs (or in one of them), then re-run this job.`,
    );
  }
  return kinds[0] ? PASSWORD_VARIABLES[kinds[0]] : null;
}

/**
 * Which accounts this run will restore, and where their passwords are. Proven before any change: an account
 * that needs a password and has none stops the stage here.
 */
export function planAccountRestore(
  ctx: StageContext,
  names: ServiceNames,
  record: AccountRecord,
  current: Record<ServiceKind, ServiceState>,
  willInstall: boolean,
  hostState = 'Nothing was changed.',
): AccountRestore[] {
  const plan: AccountRestore[] = [];
  for (const kind of KINDS) {
    const service = names[kind];
    const account = record.accounts[service];
    if (!account) {
      ctx.log.warn(
        `The Log On As record has no account for ${describeService(kind, service)}; it is left as it is.`,
      );
      continue;
    }
    const reset = willInstall && RESET_BY_UPGRADE.includes(kind) && !isBuiltinAccount(account);
    if (!reset && sameAccount(current[kind].account, account)) continue;
    const variable = isPasswordless(account) ? null : variableFor(ctx, names, record, account);
    if (!isPasswordless(account) && !variable) {
      const input =
        kind === 'executor' ? "'scheduler-password' or 'server-password'" : `'${PASSWORD_INPUT[kind]}'`;
      throw new StageError(
        `${describeService(kind, service)} must run as ${account} after the upgrade, and no password for it was ` +
          `given (${input} is empty or belongs to another account).`,
        hostState,
        `Store the password of ${account} as a secret of the environment and pass it as ${input}. A managed ` +
          'service account (DOMAIN\\name$) needs none. Then re-run this job.',
      );
    }
    plan.push({ kind, service, account, variable });
  }
  return plan;
}

/** Checks each password against its account before anything changes, so a wrong one never reaches a service. */
export async function checkPasswords(ctx: StageContext, plan: readonly AccountRestore[]): Promise<void> {
  const seen = new Set<string>();
  for (const entry of plan) {
    if (!entry.variable || seen.has(entry.account.toLowerCase())) continue;
    seen.add(entry.account.toLowerCase());
    const check = await ctx.host.testCredential(entry.account, entry.variable);
    if (!check.checked) {
      ctx.log.warn(
        `The password of ${entry.account} could not be checked (${check.reason}); it is used as given.`,
      );
    } else if (!check.valid) {
      throw new StageError(
        `The password given for ${entry.account} is not accepted (${check.reason ?? 'wrong password'}).`,
        'Nothing was changed.',
        `Correct the secret that holds the password of ${entry.account}, then re-run this job. Repeated wrong ` +
          'passwords can lock the account.',
      );
    }
  }
  ctx.record.data.passwordsChecked = [...seen];
}

/**
 * Puts the recorded Log On As accounts back (the upgrade resets them to LocalSystem) and verifies each one.
 * The services are stopped at this point; a service already on its recorded account is recorded as done.
 */
export async function restoreAccounts(
  ctx: StageContext,
  names: ServiceNames,
  record: AccountRecord,
): Promise<AccountOutcome[]> {
  const restoring = ctx.phase('accounts-restore');
  const current = await readServices(ctx, names);
  const outcomes: AccountOutcome[] = [];
  const plan = planAccountRestore(
    ctx,
    names,
    record,
    current,
    false,
    `${describeStates(hostLabel(ctx), current)} JAMS is upgraded; no Log On As was changed yet.`,
  );
  for (const kind of KINDS) {
    const service = names[kind];
    const recorded = record.accounts[service];
    if (!recorded) continue;
    const before = current[kind].account ?? '';
    const label = describeService(kind, service);
    const entry = plan.find((p) => p.service === service);
    if (!entry) {
      ctx.skip('restore Log On As', label, `already ${recorded}`);
      outcomes.push({ service, recorded, before, after: before, outcome: 'already' });
      continue;
    }
    const changed = await ctx.change('restore Log On As', `${label}: ${before} -> ${recorded}`, async () => {
      const result = await ctx.host.setServiceAccount(service, recorded, entry.variable);
      if (result.returnValue !== 0) {
        const now = await readServices(ctx, names);
        throw new StageError(
          `Setting the Log On As of ${label} on ${hostLabel(ctx)} to ${recorded} failed: ` +
            `${describeChangeResult(result.returnValue)} (Win32_Service.Change returned ${result.returnValue}).`,
          `${describeStates(hostLabel(ctx), now)} JAMS is upgraded; ${label} runs as ${result.service.account}.`,
          `Fix the cause (the account name in the record ${ACCOUNT_RECORD_FILE}, its rights, the runner's elevation), ` +
            'then re-run this job: the install is skipped and the accounts are restored.',
        );
      }
      return `now ${result.service.account}`;
    });
    outcomes.push({ service, recorded, before, after: before, outcome: changed ? 'restored' : 'would' });
  }
  await ctx.aroundChanges('check the Log On As accounts after the restore', async () => {
    const after = await readServices(ctx, names);
    restoring.end();
    ctx.record.servicesAfter = Object.values(after);
    for (const o of outcomes) {
      const kind = KINDS.find((k) => names[k] === o.service) as ServiceKind;
      o.after = after[kind].account ?? '';
    }
    const wrong = outcomes.filter((o) => !sameAccount(o.after, o.recorded));
    if (wrong.length > 0) {
      throw new StageError(
        `After the restore, ${wrong.map((o) => `${o.service} runs as ${o.after}, not ${o.recorded}`).join('; ')} on ` +
          `${hostLabel(ctx)}.`,
        `${describeStates(hostLabel(ctx), after)} JAMS is upgraded; the Log On As accounts are not all restored.`,
        'Set the account in services.msc (Log On tab) or find what changes it back, then re-run this job.',
      );
    }
  });
  return outcomes;
}
