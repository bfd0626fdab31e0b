// The maintenance-window record (maintenance-window.json), on the primary: the resource's Quantity Available before
// maintenance-on closed the window, so maintenance-off restores that number and not a constant. One entry per window.
import { z } from 'zod';
import { windowKey, type WindowRecord } from '../jams/maintenance.js';
import { readKeyed, type StateFile, type StateAccess } from './state-file.js';

/** The record file in the state folder. */
export const MAINTENANCE_RECORD_FILE = 'maintenance-window.json';

export type { WindowRecord };

/** All windows this host has recorded, by windowKey(). */
export type WindowRecords = Record<string, WindowRecord>;

const FILE: StateFile<WindowRecords> = {
  name: MAINTENANCE_RECORD_FILE,
  title: 'maintenance-window record',
  schema: z.record(
    z.string(),
    z.looseObject({
      server: z.string(),
      resource: z.string(),
      quantity: z.number(),
      recordedAt: z.string(),
      computerName: z.string(),
      runId: z.string().optional(),
      restoredAt: z.string().optional(),
    }),
  ),
  ifRemoved:
    "maintenance-off then no longer knows the window's quantity before it was closed: note it (the KB uses 999999) " +
    'and set it by hand if the window is still closed',
};

/** The recorded windows on this host, this resource's record if there is one, and the save of this resource's. */
export async function readWindowRecord(ctx: StateAccess): Promise<{
  path: string;
  all: WindowRecords;
  key: string;
  record: WindowRecord | undefined;
  save: (record: WindowRecord) => Promise<string>;
}> {
  const { jamsServer, resource } = ctx.settings.maintenance;
  const stored = await readKeyed(ctx, FILE, windowKey(jamsServer, resource));
  return { path: stored.path, all: stored.all, key: stored.key, record: stored.entry, save: stored.save };
}
