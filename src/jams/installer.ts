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

/** The argument list with the log placeholder filled in; quoting happens on the host. */
export function installerArguments(template: readonly string[], logPath: string): string[] {
  return template.map((a) => (a === LOG_PLACEHOLDER ? logPath : a));
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
