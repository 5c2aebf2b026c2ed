import type { ImplOf } from '../../../shared/contract';
import type { activityContract, ActivityEntry } from '../../../shared/contract/activity';
import type { EventBus } from '../../core/event-bus';
import type { Database } from '../store/database';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';

/** What any service hands the activity log: the sentence as a catalog key and its values. */
export type ActivityInput = {
  readonly level: ActivityEntry['level'];
  readonly kind: string;
  readonly profile?: string | null;
  readonly details?: string | null;
  readonly messageId: MessageId;
  readonly values?: MessageValues;
};

/** Appends to the activity log; services take this function, not the whole service. */
export type LogActivity = (entry: ActivityInput) => Promise<void>;

interface ActivityRow {
  id: bigint;
  occurred_at: Date;
  level: ActivityEntry['level'];
  kind: string;
  profile: string | null;
  message: string;
  message_id: string | null;
  message_values: string | null;
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
    text: row.message_id ? { id: row.message_id, values: row.message_values ? (JSON.parse(row.message_values) as Record<string, string | number>) : {} } : null,
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
      const message = appIntl('en').formatMessage({ id: entry.messageId }, entry.values);
      const rows = await db.all<ActivityRow>(
        'INSERT INTO activity(occurred_at, level, kind, profile, message, details, message_id, message_values) VALUES (now(), $1, $2, $3, $4, $5, $6, $7) RETURNING *',
        [entry.level, entry.kind, entry.profile ?? null, message, entry.details ?? null, entry.messageId, entry.values ? JSON.stringify(entry.values) : null],
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
