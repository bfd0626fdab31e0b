import { INSTALLER_EXIT_CODES, INSTALLER_FAILURES, INSTALLER_LOG_ERROR_PATTERNS } from './unverified.js';

/** The placeholder in the installer arguments for the verbose log file. */
export const LOG_PLACEHOLDER = '{log}';

/** An absolute local (C:\...) or UNC (\\server\share\...) file path with no quote, wildcard or line break. */
const LOCAL_PATH = /^[A-Za-z]:\\[^"*?<>|\r\n]+$/;
const UNC_PATH = /^\\\\[^\\/"*?<>|\s]+\\[^\\/"*?<>|\r\n]+\\[^"*?<>|\r\n]+$/;

export function isInstallerPath(path: string): boolean {
  return (LOCAL_PATH.test(path) || UNC_PATH.test(path)) && !path.endsWith('\\') && path.length <= 260;
}

/**
 * Why a set of installer arguments is unsafe, or null. A feature list could drop a component, a restart
 * switch could reboot the scheduler, and without the log placeholder a failure could not be explained.
 */
export function installerArgumentProblem(args: readonly string[]): string | null {
  if (args.some((a) => a.includes('"'))) return 'no argument may contain a double quote';
  if (!args.includes(LOG_PLACEHOLDER)) return `include ${LOG_PLACEHOLDER} where the verbose log file goes`;
  const upper = args.map((a) => a.toUpperCase());
  // Transforms and patches load files no SHA-256 covers: only the installer whose hash was given may run.
  const loads = upper.findIndex(
    (a) => /(TRANSFORMS|PATCH)=/.test(a) || /^[/-](V[/-]?)?(P|UPDATE)([:=].*)?$/.test(a),
  );
  if (loads >= 0) {
    return (
      `leave out '${args[loads]}': transforms (TRANSFORMS=) and patches (PATCH=, /p, /update) load files that no ` +
      'SHA-256 covers, so only the installer whose hash was given may run'
    );
  }
  const features = upper.find((a) => /^(REMOVE|ADDLOCAL|ADDSOURCE|ADDDEFAULT|ADVERTISE)=/.test(a));
  if (features && features !== 'ADDLOCAL=ALL') {
    return `leave out ${features.split('=')[0]}=: a feature list can remove JAMS components`;
  }
  if (upper.some((a) => /^[/-](FORCERESTART|PROMPTRESTART)$/.test(a) || a === 'REBOOT=FORCE')) {
    return 'leave out restart switches: jams-upgrade never reboots the scheduler';
  }
  if (!upper.some((a) => /^[/-]NORESTART$/.test(a) || a === 'REBOOT=REALLYSUPPRESS')) {
    return 'include /norestart (or REBOOT=ReallySuppress) so the installer cannot reboot the scheduler';
  }
  return null;
}

export interface ExitClass {
  outcome: 'success' | 'reboot' | 'failure';
  meaning: string;
}

export function classifyExitCode(code: number): ExitClass {
  const known = INSTALLER_EXIT_CODES[code];
  if (known) return known;
  return { outcome: 'failure', meaning: INSTALLER_FAILURES[code] ?? 'an installer error' };
}

/** Installer logs are UTF-16 (msiexec) or UTF-8 (Burn); the byte order mark tells which. */
export function decodeLog(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

/** The first log line that reports the error, by the patterns in order, with its 1-based line number. */
export function findErrorLine(log: string): { line: number; text: string } | null {
  const lines = log.split(/\r?\n/);
  for (const pattern of INSTALLER_LOG_ERROR_PATTERNS) {
    const index = lines.findIndex((l) => pattern.test(l));
    if (index >= 0) return { line: index + 1, text: (lines[index] ?? '').trim().slice(0, 400) };
  }
  return null;
}

/** Which kind of setup an installer is, as the host reads it from its bytes (PlatformGetInstallerKind). */
export type InstallerKind = 'burn' | 'installshield' | 'msi' | 'unknown';

export const INSTALLER_KIND_LABELS: Readonly<Record<InstallerKind, string>> = {
  burn: 'a WiX Burn bundle',
  installshield: 'an InstallShield setup',
  msi: 'a Windows Installer package',
  unknown: 'neither a WiX Burn bundle, an InstallShield setup nor a Windows Installer package',
};

/** Why an installer's arguments do not suit its kind, and what to set instead. */
export interface KindMismatch {
  problem: string;
  fix: string;
}

/** A switch's name in lower case without its / or -; null for any other word ({log}, PROPERTY=value). */
const switchName = (arg: string): string | null => (/^[/-]/.test(arg) ? arg.slice(1).toLowerCase() : null);

/** msiexec's own switches a Burn bundle does not take: its UI levels, its logging modifiers, /i and /x. */
const MSIEXEC_ONLY = /^(q[nbrf][+!-]*|l[iwearucmopvx+!*]+|i|x)$/;

/**
 * Why `args` do not suit an installer of this kind at `path`, or null when they do (or the kind is unknown, which the
 * caller only warns about). A setup that ignores its quiet switch shows its UI and waits until install-timeout-seconds.
 * Burn's switches are WiX's (/q, /quiet, /s, /silent or /passive; /norestart; /log), msiexec's are Microsoft's (jams-upgrade
 * adds /i and the path), InstallShield's Setup.exe is silent with /s and takes Windows Installer's switches only
 * through /v.
 */
export function installerKindMismatch(
  kind: InstallerKind,
  path: string,
  args: readonly string[],
  inputs: { path: string; args: string },
): KindMismatch | null {
  const input = inputs.args;
  const switches = args.map(switchName).filter((s): s is string => s !== null);
  const has = (...names: string[]) => switches.filter((s) => names.includes(s));
  const shown = (names: readonly string[]) => names.map((s) => `/${s}`).join(', ');
  const msiName = path.toLowerCase().endsWith('.msi');
  if (kind === 'burn' || kind === 'installshield') {
    if (msiName) {
      return {
        problem:
          'its name ends in .msi, so jams-upgrade would hand it to msiexec, which cannot run a program',
        fix: `Give ${inputs.path} the setup under its own .exe name (the same bytes keep its SHA-256).`,
      };
    }
  }
  if (kind === 'burn') {
    const fix = `Set ${input} to a Burn bundle's switches, for example: /quiet /norestart /log {log}.`;
    const foreign = switches.filter((s) => MSIEXEC_ONLY.test(s) || s.startsWith('v'));
    if (foreign.length > 0) {
      return { problem: `a Burn bundle does not take ${shown(foreign)} (msiexec's or InstallShield's)`, fix };
    }
    if (has('q', 'quiet', 's', 'silent', 'passive').length === 0) {
      return { problem: 'it has no /quiet or /passive, so the bundle would show its UI and wait', fix };
    }
    return null;
  }
  if (kind === 'msi') {
    if (!msiName) {
      return {
        problem:
          "its name does not end in .msi, so jams-upgrade would start it as a program instead of through msiexec's /i",
        fix: `Give ${inputs.path} a name ending in .msi for the same file (the same bytes keep its SHA-256).`,
      };
    }
    const fix = `Set ${input} to msiexec's switches (jams-upgrade adds /i and the path), for example: /qn /norestart /l*v {log}.`;
    const modes = has('i', 'package', 'a', 'x', 'uninstall', 'j', 'ju', 'jm', 'p', 'update');
    if (modes.length > 0)
      return { problem: `jams-upgrade gives msiexec /i and the path itself: leave out ${shown(modes)}`, fix };
    const foreign = switches.filter((s) => ['s', 'silent', 'layout'].includes(s) || s.startsWith('v'));
    if (foreign.length > 0)
      return { problem: `msiexec does not take ${shown(foreign)} (a setup program's)`, fix };
    const dialogs = switches.filter((s) => /^q./.test(s) && !['qn', 'quiet'].includes(s));
    if (dialogs.length > 0) {
      return {
        problem: `${shown(dialogs)} shows a user interface (/qn, /quiet and /passive wait for no click)`,
        fix,
      };
    }
    if (has('q', 'qn', 'quiet', 'passive').length === 0) {
      return { problem: 'it has no /qn or /quiet, so msiexec would show the package UI and wait', fix };
    }
    return null;
  }
  if (kind === 'installshield') {
    const fix =
      "InstallShield's Setup.exe is silent with /s and passes Windows Installer's switches only through /v, with no " +
      `space: /s /v"/qn /norestart /l*v C:\\Temp\\jams-setup.log". ${input} cannot carry that yet (it refuses double quotes, and {log} ` +
      'must be a word of its own), so: run the setup by hand with that command line (docs/upgrade.md), or get the ' +
      `setup's .msi from the vendor and point ${inputs.path} at it, with msiexec's switches (/qn /norestart /l*v {log}).`;
    const foreign = switches.filter(
      (s) =>
        ['quiet', 'passive', 'q', 'silent', 'log'].includes(s) || /^(q[nbrf]|l[iwearucmopvx+!*])/.test(s),
    );
    if (foreign.length > 0) {
      return {
        problem: `InstallShield's Setup.exe does not take ${shown(foreign)} (Burn's or msiexec's)`,
        fix,
      };
    }
    if (has('s').length === 0)
      return { problem: 'it has no /s, so Setup.exe would show its UI and wait', fix };
    return null;
  }
  return null;
}
