import { z } from 'zod';
import { method, service } from './define';
import { CatalogText } from './catalog-text';

/** Severity of an activity entry. */
export const ActivityLevel = z.enum(['info', 'warn', 'error']);

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
});
export type ActivityEntry = z.output<typeof ActivityEntry>;

/** The activity log, stored in the data file. */
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
      }),
      z.object({ entries: z.array(ActivityEntry), total: z.number() }),
    ),
  },
  { onEntry: ActivityEntry },
);
