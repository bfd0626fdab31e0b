import type { AccountRecord } from '../state/logon-accounts.js';
import { BUILTIN_ACCOUNTS } from './unverified.js';

export function isBuiltinAccount(account: string): boolean {
  return BUILTIN_ACCOUNTS.includes(account.trim().toLowerCase());
}

/**
 * Decides whether a fresh reading may replace the stored record. A reading where a service fell back to
 * LocalSystem while the stored record has a real account looks like the upgrade's reset: keeping the old
 * record is what lets the restore put the real account back.
 */
export function shouldKeepStoredRecord(
  stored: AccountRecord | null,
  current: Record<string, string>,
): boolean {
  if (!stored) return false;
  return Object.entries(current).some(([service, account]) => {
    const before = stored.accounts[service];
    return before !== undefined && isBuiltinAccount(account) && !isBuiltinAccount(before);
  });
}

/**
 * Accounts Windows runs a service under without a password: the built-in ones, virtual service accounts
 * (NT SERVICE\...) and managed service accounts (DOMAIN\name$).
 */
export function isPasswordless(account: string): boolean {
  const a = account.trim().toLowerCase();
  return (
    isBuiltinAccount(a) || a.startsWith('nt authority\\') || a.startsWith('nt service\\') || a.endsWith('$')
  );
}

/** Windows reports LocalSystem in several spellings and account names in any case. */
export function sameAccount(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string | undefined) => {
    const t = (s ?? '').trim().toLowerCase();
    return isBuiltinAccount(t) ? 'localsystem' : t;
  };
  return norm(a) === norm(b);
}

/**
 * The environment variables of the PowerShell process that carry the Log On As passwords. Only these names
 * cross into PowerShell as data; the module refuses any other variable name.
 */
export const PASSWORD_VARIABLES = {
  scheduler: 'JU_SCHEDULER_PASSWORD',
  server: 'JU_SERVER_PASSWORD',
} as const;

/** Win32_Service.Change return values (documented by Microsoft); 0 is success. */
export const CHANGE_RETURN_CODES: Readonly<Record<number, string>> = {
  2: 'access denied: the runner is not elevated or lacks the right to change the service',
  5: 'the service cannot accept the change',
  15: 'the service database is locked',
  16: 'the service is marked for deletion',
  21: 'invalid service parameter',
  22: 'invalid account: the account name does not exist or cannot run a service',
};

export function describeChangeResult(code: number): string {
  return CHANGE_RETURN_CODES[code] ?? `Win32_Service.Change returned ${code}`;
}
