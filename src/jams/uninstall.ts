// The installed JAMS version's own uninstaller, for a rollback whose installer refuses to install over a newer version:
// which Uninstall entry it is, and the Windows Installer product code that is the only value msiexec is given.
import type { UninstallEntry } from '../host/host-types.js';
import { parseJamsVersion } from './version.js';

/**
 * msiexec's documented switches for an unattended removal: no user interface, no restart, a verbose log ({log}).
 * The product code goes before them as `/x {GUID}`, on the host.
 */
export const UNINSTALL_ARGUMENTS: readonly string[] = ['/quiet', '/norestart', '/l*v', '{log}'];

const PRODUCT_CODE = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i;

/**
 * The product code of a Windows Installer UninstallString ("MsiExec.exe /X{GUID}", or /I{GUID}, which Windows writes
 * for products with a change dialog), or null for anything else: another program's command line is never run.
 */
export function msiProductCode(uninstallString: string): string | null {
  const m = /^\s*"?(?:[A-Za-z]:\\[^"]*\\)?msiexec(?:\.exe)?"?\s+\/[IX]\s*(\{[^}]*\})\s*$/i.exec(
    uninstallString,
  );
  const code = m?.[1];
  return code && PRODUCT_CODE.test(code) ? code.toUpperCase() : null;
}

export type UninstallChoice =
  { ok: true; entry: UninstallEntry; productCode: string } | { ok: false; problem: string };

/**
 * The one JAMS entry of the installed version that Windows Installer can remove, whose product code is its key
 * (Windows Installer names a product's key by its product code). Anything else is refused with what was seen.
 */
export function pickUninstallEntry(entries: readonly UninstallEntry[], installed: string): UninstallChoice {
  const seen = entries.map(
    (e) => `'${e.name}' ${e.version || '(no version)'}: ${e.uninstallString || 'no UninstallString'}`,
  );
  const ofVersion = entries.filter((e) => parseJamsVersion(e.version)?.compare(installed) === 0);
  const removable = ofVersion.flatMap((entry) => {
    const productCode = msiProductCode(entry.uninstallString);
    return productCode && productCode === entry.key.toUpperCase() ? [{ entry, productCode }] : [];
  });
  const [only] = removable;
  if (removable.length === 1 && only) return { ok: true, ...only };
  return {
    ok: false,
    problem:
      removable.length === 0
        ? `no Uninstall entry of JAMS ${installed} is a Windows Installer product (MsiExec.exe /X{product code}); ` +
          `seen: ${seen.join('; ') || 'no entry named JAMS*'}`
        : `${removable.length} Uninstall entries of JAMS ${installed} are Windows Installer products, and jams-upgrade ` +
          `removes only one: ${removable.map((r) => `'${r.entry.name}' ${r.productCode}`).join('; ')}`,
  };
}
