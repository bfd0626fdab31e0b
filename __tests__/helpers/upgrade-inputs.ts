// The upgrade stage's inputs in the lab tests: the lab's installer, the lab's password, short timeouts.
import { LAB_PASSWORD, type LabInstaller } from '../../lab/control.js';

/** Short timeouts, and no backup required: the lab tests run stages on their own. */
export const FAST = {
  'require-backup': 'false',
  'service-timeout-seconds': '10',
  'role-timeout-seconds': '15',
};

export function upgradeInputsWith(
  installer: LabInstaller,
  role: 'primary' | 'secondary',
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    stage: 'upgrade',
    role,
    'installer-path': installer.windowsPath,
    'installer-sha256': installer.sha256,
    'scheduler-password': LAB_PASSWORD,
    'server-password': LAB_PASSWORD,
    ...FAST,
    ...extra,
  };
}
