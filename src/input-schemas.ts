// The forms a path or a name input must have, as zod schemas. src/inputs.ts applies them; a later input (a client
// installer, a restore backup file, an agent name) takes the same schema instead of a pattern of its own.
import { z } from 'zod';

/** Windows' MAX_PATH: Windows PowerShell 5.1 (.NET Framework) and installers fail on longer paths by default. */
export const MAX_WINDOWS_PATH = 260;
/** A path on the runner: the run folder gets `<stage>-<role>\<file>` appended, so keep room under any OS limit. */
export const MAX_RUNNER_PATH = 400;

/** Control characters, line breaks included: no path or name has them, and they would split a log line. */
export function hasControlCharacter(value: string): boolean {
  return [...value].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
  });
}

/** What Windows refuses in a path, besides control characters (the drive's colon is checked apart). */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
/**
 * Legal in Windows, but PowerShell reads them as quotes (it takes the typographic ones too), its escape character
 * or wildcards (-Path, the hook's `& $path`). The paths travel into PowerShell, so they are refused here once
 * rather than quoted right in every later use.
 */
const POWERSHELL_SPECIAL = /['\u2018\u2019\u201a\u201b\u201c\u201d\u201e`[\]]/;
/** Device names Windows reserves in every folder, with or without an extension. */
const DEVICE_NAME = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;
/** One DNS label; the underscore is allowed because NetBIOS names (resolved by Windows) may have it. */
const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOST = `${LABEL}(?:\\.${LABEL})*`;

/**
 * A UNC server that is an IP address rather than a name: IPv4 in any form Windows parses (10.0.0.5, 10.5, 167772165,
 * 0x0a.0.0.5: labels of digits or 0x-hex), an IPv6 literal (fe80--1.ipv6-literal.net, [::1]) or a bare IPv6 text.
 */
export function isIpLiteral(server: string): boolean {
  const name = server.toLowerCase().replace(/\.$/, '');
  if (name === '') return false;
  if (/\.ipv6-literal\.net$/.test(name) || name.includes(':') || /^\[.*\]$/.test(name)) return true;
  return name.split('.').every((label) => /^(0x[0-9a-f]*|[0-9]+)$/.test(label));
}

export interface WindowsPathOptions {
  /** folder: a drive root (D:\) or a share (\\server\share) will do, and one trailing backslash is fine. */
  kind: 'folder' | 'file' | 'any';
  /** For a file: the endings it must have, lower case with the dot (['.ps1']). */
  extensions?: readonly string[];
}

/**
 * Why a value is not an absolute Windows path of the given kind, or null. One reason, the first found, worded to
 * follow "the value 'x': " in a refusal.
 */
export function windowsPathProblem(value: string, options: WindowsPathOptions): string | null {
  if (value.length > MAX_WINDOWS_PATH) {
    return `it has ${value.length} characters, more than Windows' ${MAX_WINDOWS_PATH}`;
  }
  if (hasControlCharacter(value)) return 'it contains a line break or another control character';
  if (value.includes('/')) return 'it contains / (Windows paths take backslashes)';
  const root = /^([A-Za-z]:\\|\\\\([^\\]*)\\([^\\]*)(?:\\|$))/.exec(value);
  if (!root && value.startsWith('\\\\')) return 'it names no share after the server';
  if (!root) return 'it is not absolute';
  const [rootText = '', , server, share] = root;
  if (server !== undefined && isIpLiteral(server)) {
    return (
      `'${server}' is an IP address: Windows would send the runner's NTLM credentials to whatever answers there; ` +
      'name the file server by its DNS name, so Kerberos authenticates the server'
    );
  }
  if (server !== undefined && !new RegExp(`^${HOST}$`).test(server)) {
    return `'${server}' is not a server name (letters, digits, - _ and dots)`;
  }
  if (share === '') return 'it names no share after the server';
  const forbidden = WINDOWS_FORBIDDEN.exec(value.slice(2));
  if (forbidden) return `it contains ${forbidden[0]}, which Windows does not allow in a path`;
  const special = POWERSHELL_SPECIAL.exec(value);
  if (special) {
    const role =
      special[0] === '`' ? 'its escape character' : /[[\]]/.test(special[0]) ? 'a wildcard' : 'a quote';
    return `it contains ${special[0]}, which PowerShell reads as ${role}`;
  }

  let rest = value.slice(rootText.length);
  if (options.kind !== 'file' && rest.endsWith('\\')) rest = rest.slice(0, -1);
  const segments = rest === '' ? [] : rest.split('\\');
  if (share) segments.unshift(share);
  for (const segment of segments) {
    if (segment === '') return 'it has an empty segment (two backslashes in a row, or a trailing one)';
    if (segment === '.' || segment === '..') return `it has a '${segment}' segment`;
    if (/[. ]$/.test(segment)) return `'${segment}' ends in a dot or a space, which Windows drops`;
    if (DEVICE_NAME.test(segment)) return `'${segment}' is a device name Windows reserves`;
    if (segment.length > 255) return 'a segment is longer than the 255 characters Windows allows';
    const dollar = segment.indexOf('$');
    // A share such as D$ or jams$ ends in $; anywhere else $ starts a PowerShell variable or $(...).
    if (dollar >= 0 && dollar < segment.length - 1)
      return 'it contains $, which PowerShell reads as a variable';
  }
  const own = segments.length - (share ? 1 : 0);
  if (options.kind === 'file' && own === 0) return 'it names a drive or a share, not a file';
  const extensions = options.extensions ?? [];
  const last = (segments[segments.length - 1] ?? '').toLowerCase();
  if (extensions.length > 0 && !extensions.some((e) => last.endsWith(e) && last.length > e.length)) {
    return `it does not end in ${extensions.join(' or ')}`;
  }
  return null;
}

/** Whether a Windows path is `root` or lies under it, by whole segments and case-insensitively, as Windows compares. */
export function windowsPathUnder(path: string, root: string): boolean {
  const base = root.replace(/\\+$/, '').toLowerCase();
  const lower = path.toLowerCase();
  return lower === base || lower.startsWith(`${base}\\`);
}

/** A refine that reports its reason: src/inputs.ts prints the reason before the input's fix. */
function withReason<T extends z.ZodType<string>>(schema: T, problem: (value: string) => string | null): T {
  return schema.superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason, params: { reason: true } });
  }) as unknown as T;
}

/** An absolute Windows path on the host, a drive path (C:\...) or a UNC path (\\server\share\...). */
export const windowsPath = withReason(z.string(), (v) => windowsPathProblem(v, { kind: 'any' }));
/** A folder on the host; a drive root or a bare share will do. */
export const windowsFolder = withReason(z.string(), (v) => windowsPathProblem(v, { kind: 'folder' }));
/** A file on the host. */
export const windowsFile = withReason(z.string(), (v) => windowsPathProblem(v, { kind: 'file' }));
/** A file on the host with one of these endings: windowsFileWith('.exe', '.msi'). */
export function windowsFileWith(...extensions: string[]): z.ZodType<string> {
  const endings = extensions.map((e) => e.toLowerCase());
  return withReason(z.string(), (v) => windowsPathProblem(v, { kind: 'file', extensions: endings }));
}

/**
 * A folder on the runner (the run folder, the records folder): Node's file calls take it as it is and no shell
 * sees it, so a relative path and any character the runner's file system takes will do.
 */
export const runnerPath = withReason(z.string(), (value) => {
  if (value.length > MAX_RUNNER_PATH)
    return `it has ${value.length} characters, more than ${MAX_RUNNER_PATH}`;
  if (hasControlCharacter(value)) return 'it contains a line break or another control character';
  return null;
});

/**
 * A Windows service's short name. The service manager takes up to 256 characters without / or \, but Get-Service
 * -Name reads * ? [ ] as wildcards and the JAMS services have plain names, so only letters, digits, _ . - pass.
 */
/** A GitHub environment name the fleet workflows can put in an artifact's name and a runner label. */
export const environmentName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);

export const serviceName = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/);

/**
 * A JAMS object name (a resource, an agent definition). JAMS's own limits are not published; the name travels into
 * provider paths (JAMS::server\Resources\name), where \ * ? [ ] have a meaning, so plain names only.
 */
export const jamsName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/);

/** A DNS host name (or a NetBIOS name, or an IPv4 address): labels of letters, digits, - and _, up to 253. */
export const hostName = z
  .string()
  .max(253)
  .regex(new RegExp(`^${HOST}$`));

/**
 * A JAMS agent's name. Deploy addresses the agent by its name when the definition has no Address, so it must be a
 * host name as well as a JAMS name.
 */
export const jamsAgentName = jamsName.regex(new RegExp(`^${HOST}$`));

/** An agent name, or a pattern of names with * and ? (the agents input, where `all` names every agent). */
export const jamsAgentPattern = z.union([
  jamsAgentName,
  z.string().regex(/^(?=.*[*?])[A-Za-z0-9_.*?-]{1,64}$/),
]);

/** SQL Server's instance names: up to 16 characters, a letter or _ first, then letters, digits, _ and $. */
const SQL_INSTANCE = '[A-Za-z_][A-Za-z0-9_$]{0,15}';
/** The forms of a SQL Server: SQL01, SQL01\INST, tcp:SQL01,1433, tcp:SQL01\INST,1433, (local), ., (localdb)\INST. */
const SQL_SERVER = new RegExp(
  `^(?:(?:tcp|lpc|admin):)?(${HOST}|\\(local\\)|\\.|\\(localdb\\))(?:\\\\${SQL_INSTANCE})?(?:,(\\d{1,5}))?$`,
  'i',
);
export const sqlServer = z.string().refine((v) => {
  const [, host = '', port] = SQL_SERVER.exec(v) ?? [];
  return host.length > 0 && host.length <= 253 && (port === undefined || (+port >= 1 && +port <= 65535));
});

/**
 * A SQL Server sysname (a database): up to 128 characters. Spaces, quotes and ] are legal in one, and it only
 * travels as a T-SQL parameter (@db), never as statement text, so only control characters are refused.
 */
export const sqlName = z
  .string()
  .min(1)
  .max(128)
  .refine((v) => !hasControlCharacter(v));

/** A SQL Server login for sql-auth sql: a sysname, and SQL logins may not contain \ (Windows logins do). */
export const sqlLogin = sqlName.refine((v) => !v.includes('\\'));
