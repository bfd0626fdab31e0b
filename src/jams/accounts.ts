import { BUILTIN_ACCOUNTS } from './unverified.js';

/** The Log On As accounts of one node, as recorded before the upgrade resets them to LocalSystem. */
export interface AccountRecord {
  recordedAt: string;
  runId?: string;
  computerName: string;
  accounts: Record<string, string>;
}

export const ACCOUNT_RECORD_FILE = 'logon-accounts.json';

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
