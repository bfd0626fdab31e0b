import semver from 'semver';

export interface VersionSources {
  sources: { source: string; name: string; version: string }[];
}

/** The oldest JAMS major version whose class library the platform file is written for (JAMSShr.dll 7.3 and 7.5). */
export const SUPPORTED_MAJOR = 7;

/** JAMS versions are dotted numbers such as 7.3.338 (sometimes with a fourth part); compare them as semver. */
export function parseJamsVersion(text: string): semver.SemVer | null {
  return semver.coerce(text, { loose: true });
}

/** Prefers the Uninstall key, then the file version. Returns null when no source could be read. */
export function pickInstalledVersion(found: VersionSources): { version: string; source: string } | null {
  const ordered = [...found.sources].sort((a, b) => rank(a.source) - rank(b.source));
  for (const s of ordered) {
    const v = parseJamsVersion(s.version);
    if (v) return { version: v.version, source: `${s.source}: ${s.name}` };
  }
  return null;
}

function rank(source: string): number {
  return source === 'uninstall-key' ? 0 : 1;
}
