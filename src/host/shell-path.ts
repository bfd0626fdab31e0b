// The PowerShell a session starts, by absolute path: never a bare name, which Windows looks up in the working folder
// (the runner's workspace, which the repository's files fill) before PATH.
import { which } from '@actions/io';
import { posix, win32 } from 'node:path';

/** Which PowerShell runs the module: Windows PowerShell 5.1 (`powershell`) or PowerShell 7 (`pwsh`). */
export type ShellKind = 'powershell' | 'pwsh';

/** The shell input's executable could not be found, or lies where the repository's files could have put it. */
export class ShellPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellPathError';
  }
}

export interface ShellPathOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Finds a tool on PATH (@actions/io which, which throws when it is not found). */
  find?: (tool: string) => Promise<string>;
}

const FIX =
  "install PowerShell 7 where every runner's account finds it (for example C:\\Program Files\\PowerShell\\7), " +
  "outside the runner's work folder, or use the 'shell' input powershell (Windows PowerShell 5.1)";

/** %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe; SystemRoot must be a plain drive path. */
export function windowsPowerShellPath(env: NodeJS.ProcessEnv): string {
  const root = env['SystemRoot'] ?? env['SYSTEMROOT'] ?? env['windir'] ?? env['WINDIR'] ?? '';
  const systemRoot = /^[A-Za-z]:\\[^"<>|?*%;]*$/.test(root) ? root.replace(/\\+$/, '') : 'C:\\Windows';
  return win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

/** Whether `file` is `folder` or lies under it; a file system root (/, C:\) contains nothing for this purpose. */
function isUnder(file: string, folder: string, windows: boolean): boolean {
  const p = windows ? win32 : posix;
  const base = p.resolve(folder);
  if (p.parse(base).root === base) return false;
  const fold = (s: string) => (windows ? s.toLowerCase() : s);
  const rel = p.relative(fold(base), fold(p.resolve(base, file)));
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}

/**
 * The absolute path of the shell input's PowerShell. Windows PowerShell is always the system's own copy; pwsh is
 * found once on PATH and refused when it lies under the workspace (GITHUB_WORKSPACE) or the current folder.
 */
export async function resolveShellExecutable(
  shell: ShellKind,
  options: ShellPathOptions = {},
): Promise<string> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const windows = platform === 'win32';
  if (shell === 'powershell' && windows) return windowsPowerShellPath(env);
  const p = windows ? win32 : posix;
  const cwd = options.cwd ?? process.cwd();
  const find = options.find ?? ((tool: string) => which(tool, true));
  let found: string;
  try {
    found = await find(shell);
  } catch (err) {
    throw new ShellPathError(
      `The 'shell' input is ${shell}, and ${shell} was not found on PATH (${(err as Error).message.replace(/\s+/g, ' ')}): ${FIX}.`,
    );
  }
  const absolute = p.resolve(cwd, found);
  const places: [string, string | undefined][] = [
    ['the workspace (GITHUB_WORKSPACE)', env['GITHUB_WORKSPACE']],
    ['the current folder', cwd],
  ];
  for (const [what, folder] of places) {
    if (folder && isUnder(absolute, folder, windows)) {
      throw new ShellPathError(
        `The 'shell' input is ${shell}, and the ${shell} found on PATH is ${absolute}, under ${what} ${folder}: ` +
          `files there come from the repository, so it is not started. ${FIX[0]?.toUpperCase()}${FIX.slice(1)}.`,
      );
    }
  }
  return absolute;
}
