// The one door to the host's state folder: a record file read and checked against its schema, or written back whole.
// Only the modules of src/state call ctx.host.readState and saveState (__tests__/host-state.test.ts checks it).
import type { z } from 'zod';
import type { Host, PlatformInfo } from '../host/host.js';
import type { Settings } from '../settings.js';
import { StageError } from '../stage-error.js';

/**
 * What a state module needs of the stage (StateAccess is one): the host's state calls, the settings, and which run
 * and host this is. Narrower than StateAccess, so the records' types do not depend on the context that carries them.
 */
export interface StateAccess {
  readonly host: Pick<Host, 'readState' | 'saveState'>;
  readonly settings: Settings;
  readonly record: {
    readonly run: Record<string, string | number | undefined>;
    readonly host?: PlatformInfo;
  };
}

/**
 * The run a keyed record's entry belongs to: one entry per workflow run, so a re-run of the run finds what it did and
 * never overwrites an earlier run's entry.
 */
export function runKey(ctx: StateAccess): string {
  const id = ctx.record.run['id'];
  return id === undefined ? 'local' : `run-${String(id)}`;
}

/** One JSON record in the state folder, as its owner module in src/state describes it. */
export interface StateFile<T> {
  /** The file name in the state folder, as real hosts have it. */
  name: string;
  /** What the record is, for messages: "Log On As record". */
  title: string;
  /** Checks what is read from the host: the fields its type declares; fields it does not know pass through. */
  schema: z.ZodType<T>;
  /** What moving the file aside does, for the message that refuses a record of another shape. */
  ifRemoved: string;
}

/** The record read from the host: its path there, and its contents, or null when there is no such file yet. */
export interface StateRead<T> {
  path: string;
  data: T | null;
}

/** The first few problems zod found, each with where in the record it is. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((i) => {
    const where = i.path.map(String).join('.');
    return `${where || 'the record'}: ${i.message}`;
  });
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function unreadable(ctx: StateAccess, file: StateFile<unknown>, path: string, problem: string): StageError {
  // The label hostLabel (src/tasks/services.ts) gives: src/state imports nothing from tasks.
  const host = `${ctx.record.host?.computerName ?? 'this host'} (${ctx.settings.role})`;
  return new StageError(
    `The ${file.title} ${path} on ${host} is not of the shape jams-upgrade writes: ${problem}.`,
    `${path} is left as it is.`,
    `Open ${path} on the host: it was edited by hand, or written by another version or tool. Put the value named ` +
      `back as jams-upgrade wrote it (the record's shape is in src/state of jams-upgrade), or move the file aside ` +
      `(${file.ifRemoved}); then re-run this job.`,
  );
}

/**
 * The record in the state folder, checked against its schema. A file that is not JSON, or not of the record's shape,
 * stops the stage with one error naming the file, what is wrong and what to do.
 */
export async function readStateFile<T>(ctx: StateAccess, file: StateFile<T>): Promise<StateRead<T>> {
  const folder = ctx.settings.stateFolder;
  let stored: { path: string; data: unknown };
  try {
    stored = await ctx.host.readState<unknown>(folder, file.name);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw unreadable(ctx, file, `${folder}\\${file.name}`, `it is not JSON (${err.message})`);
  }
  if (stored.data === null || stored.data === undefined) return { path: stored.path, data: null };
  const parsed = file.schema.safeParse(stored.data);
  if (!parsed.success) throw unreadable(ctx, file, stored.path, describeIssues(parsed.error));
  return { path: stored.path, data: parsed.data };
}

/** Writes the record whole; returns its path on the host. Callers write inside ctx.change or ctx.keepRecord. */
export async function saveStateFile<T>(ctx: StateAccess, file: StateFile<T>, data: T): Promise<string> {
  return (await ctx.host.saveState(ctx.settings.stateFolder, file.name, data)).path;
}

/** One entry of a record kept as a map by key (a run, a window): the map as read, this key's entry, and its save. */
export interface KeyedRead<E> {
  path: string;
  all: Record<string, E>;
  key: string;
  entry: E | undefined;
  /** Writes the map back with this key's entry replaced; every other key's entry is kept as it was read. */
  save: (entry: E) => Promise<string>;
}

/** Reads a keyed record and picks one key's entry; its save writes the map back with that entry. */
export async function readKeyed<E>(
  ctx: StateAccess,
  file: StateFile<Record<string, E>>,
  key: string,
): Promise<KeyedRead<E>> {
  const stored = await readStateFile(ctx, file);
  const all = stored.data ?? {};
  return {
    path: stored.path,
    all,
    key,
    entry: all[key],
    save: (entry) => saveStateFile(ctx, file, { ...all, [key]: entry }),
  };
}
