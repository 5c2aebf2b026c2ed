import type { ImplOf } from '../../../shared/contract';
import type { activityContract, ActivityEntry } from '../../../shared/contract/activity';
import type { EventBus } from '../../core/event-bus';
import type { Database } from '../store/database';

/** What any service hands the activity log. */
export interface ActivityInput {
  readonly level: ActivityEntry['level'];
  readonly kind: string;
  readonly profile?: string | null;
  readonly message: string;
  readonly details?: string | null;
}

/** Appends to the activity log; services take this function, not the whole service. */
export type LogActivity = (entry: ActivityInput) => Promise<void>;

interface ActivityRow {
  id: bigint;
  occurred_at: Date;
  level: ActivityEntry['level'];
  kind: string;
  profile: string | null;
  message: string;
  details: string | null;
}

function toEntry(row: ActivityRow): ActivityEntry {
  return {
    id: String(row.id),
    at: row.occurred_at.toISOString(),
    level: row.level,
    kind: row.kind,
    profile: row.profile,
    message: row.message,
    details: row.details,
  };
}

/**
 * The activity log: every connect, upload, download and error, stored in the data file
 * and pushed live to subscribed windows.
 */
export function createActivityService(db: Database, bus: EventBus): ImplOf<typeof activityContract> & { log: LogActivity } {
  return {
    async log(entry) {
      const rows = await db.all<ActivityRow>(
        'INSERT INTO activity(occurred_at, level, kind, profile, message, details) VALUES (now(), $1, $2, $3, $4, $5) RETURNING *',
        [entry.level, entry.kind, entry.profile ?? null, entry.message, entry.details ?? null],
      );
      bus.emit('activity.onEntry', toEntry(rows[0]));
    },
    async list({ limit, offset, level, profile, search }) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (level) where.push(`level = $${params.push(level)}`);
      if (profile) where.push(`profile = $${params.push(profile)}`);
      if (search) where.push(`(message ILIKE $${params.push(`%${search}%`)} OR kind ILIKE $${params.length})`);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM activity ${clause}`, params);
      const rows = await db.all<ActivityRow>(
        `SELECT * FROM activity ${clause} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      );
      return { entries: rows.map(toEntry), total: Number(total[0].n) };
    },
  };
}
