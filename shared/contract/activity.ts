import { z } from 'zod';
import { method, service } from './define';
import { CatalogText } from './catalog-text';

/** Severity of an activity entry. */
export const ActivityLevel = z.enum(['info', 'warn', 'error']);

/** Team mode: whose entries a list shows, the whole team's or this workstation's. */
export const ActivityScope = z.enum(['team', 'workstation']);
export type ActivityScope = z.output<typeof ActivityScope>;

/** One line of the activity log: every connect, upload, download and error. */
export const ActivityEntry = z.object({
  id: z.string(),
  /** ISO 8601 with time zone. */
  at: z.string(),
  level: ActivityLevel,
  /** Short machine-friendly kind: `connect`, `upload`, `download`, `error`, … */
  kind: z.string(),
  profile: z.string().nullable(),
  /** The entry in English (search, logs). */
  message: z.string(),
  /** The same entry as a catalog key and values, for the reader's language; null for entries written before the catalog. */
  text: CatalogText.nullable().default(null),
  details: z.string().nullable(),
  /** Team mode: the workstation that wrote the entry (`mine` for this one); null outside team mode. */
  origin: z.object({ workstation: z.string(), name: z.string(), mine: z.boolean() }).nullable().default(null),
});
export type ActivityEntry = z.output<typeof ActivityEntry>;

/** The activity log, stored in the data file (in team mode also in the team database, read by every workstation). */
export const activityContract = service(
  'activity',
  {
    list: method(
      'Newest entries first',
      z.object({
        limit: z.number().int().min(1).max(10000).default(500),
        offset: z.number().int().min(0).default(0),
        level: ActivityLevel.optional(),
        profile: z.string().optional(),
        search: z.string().max(200).optional(),
        /** Team mode: every workstation's entries (`team`, the default) or this workstation's only. Ignored outside team mode. */
        scope: ActivityScope.optional(),
      }),
      z.object({
        entries: z.array(ActivityEntry),
        total: z.number(),
        /**
         * Team mode: this workstation's name, and whether the other workstations' entries are
         * missing because the team database did not answer (this workstation's are always there).
         * Null outside team mode.
         */
        team: z.object({ workstation: z.string(), othersMissing: z.boolean() }).nullable().default(null),
      }),
    ),
  },
  { onEntry: ActivityEntry },
);
