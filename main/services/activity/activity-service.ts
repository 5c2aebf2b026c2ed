import type { ImplOf } from '../../../shared/contract';
import type { activityContract, ActivityEntry } from '../../../shared/contract/activity';
import type { EventBus } from '../../core/event-bus';
import type { Database } from '../store/database';
import type { TeamActivityRow, TeamStore } from '../team/team-store';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';
import { createTeamActivitySync, type LocalActivityRow, type TeamActivitySync } from './team-activity-sync';
import { withinTeamWait } from '../team/team-wait';

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

/**
 * Team mode: how long a list waits for the other workstations' entries before it shows this
 * workstation's alone (time this process ran: its own stalls do not count, see withinTeamWait).
 */
const TEAM_LIST_WAIT_MS = 1_500;

type Origin = ActivityEntry['origin'];
/** Per log epoch, the newest id the local log held when a list began. */
type Held = { readonly epoch: string; readonly last: number };

function toEntry(row: LocalActivityRow, origin: Origin): ActivityEntry {
  return {
    id: String(row.id),
    at: row.occurred_at.toISOString(),
    level: row.level,
    kind: row.kind,
    profile: row.profile,
    message: row.message,
    text: row.message_id ? { id: row.message_id, values: row.message_values ? (JSON.parse(row.message_values) as Record<string, string | number>) : {} } : null,
    details: row.details,
    origin,
  };
}

/**
 * An entry from the team database: another workstation's, or this one's that its log lacks (a
 * replaced data file's). Its id names the workstation and the log epoch, so it never collides
 * with a local one or another epoch's.
 */
function teamEntry(row: TeamActivityRow, me: string, epoch: string): ActivityEntry {
  return {
    // This workstation's entry of this opening of its data file is in the local log under its local
    // id (the team may deliver it before a list reads it locally): the same id, so a screen that
    // got it live does not show it twice.
    id: row.workstation === me && row.epoch === epoch ? String(row.localId) : `${row.workstation}:${row.epoch}:${row.localId}`,
    at: row.at.toISOString(),
    level: row.level,
    kind: row.kind,
    profile: row.profile,
    message: row.message,
    text: row.messageId ? { id: row.messageId, values: { ...row.messageValues } } : null,
    details: row.details,
    origin: { workstation: row.workstation, name: row.workstationName, mine: row.workstation === me },
  };
}

/** The activity service as the composition root holds it: the contract, `log` for the other services, and team mode's upkeep. */
export type ActivityService = ImplOf<typeof activityContract> & {
  readonly log: LogActivity;
  /** Team mode: the push of this workstation's entries to the team database (undefined outside team mode). */
  readonly team: TeamActivitySync | undefined;
  /** Stops team mode's push and listening (after a last bounded push). */
  close(): Promise<void>;
};

/**
 * The activity log: every connect, upload, download and error, stored in the data file and
 * pushed live to subscribed windows. In team mode (`team`) each entry is also pushed to the
 * team database, and lists and live entries include the other workstations', marked with theirs.
 */
export function createActivityService(db: Database, bus: EventBus, team?: TeamStore): ActivityService {
  const mine: Origin = team ? { workstation: team.workstation, name: team.workstationName, mine: true } : null;
  const sync = team ? createTeamActivitySync({ db, team, others: (rows) => rows.forEach((r) => bus.emit('activity.onEntry', teamEntry(r, team.workstation, db.epoch))) }) : undefined;
  sync?.start();

  /**
   * The local log's entries, newest first; with `held`, only those it held then. One data file
   * numbers its entries from one sequence, whatever their epoch, and writes them one at a time:
   * what it held is every id up to the newest then (per epoch, up to that epoch's newest: what
   * the team read leaves out), without a condition per epoch.
   */
  const localList = async (filter: { limit: number; offset: number; level?: string; profile?: string; search?: string; held?: readonly Held[] }) => {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.held) where.push(`id <= $${params.push(Math.max(0, ...filter.held.map((h) => h.last)))}`);
    if (filter.level) where.push(`level = $${params.push(filter.level)}`);
    if (filter.profile) where.push(`profile = $${params.push(filter.profile)}`);
    if (filter.search) where.push(`(message ILIKE $${params.push(`%${filter.search}%`)} OR kind ILIKE $${params.length})`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM activity ${clause}`, params);
    const rows = await db.all<LocalActivityRow>(`SELECT * FROM activity ${clause} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, filter.limit, filter.offset]);
    return { entries: rows.map((r) => toEntry(r, mine)), total: Number(total[0].n) };
  };

  return {
    team: sync,
    async log(entry) {
      const message = appIntl('en').formatMessage({ id: entry.messageId }, entry.values);
      const rows = await db.all<LocalActivityRow>(
        'INSERT INTO activity(occurred_at, level, kind, profile, message, details, message_id, message_values, epoch) VALUES (now(), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING *',
        [entry.level, entry.kind, entry.profile ?? null, message, entry.details ?? null, entry.messageId, entry.values ? JSON.stringify(entry.values) : null, db.epoch],
      );
      bus.emit('activity.onEntry', toEntry(rows[0], mine));
      sync?.kick();
    },
    async list({ limit, offset, level, profile, search, scope }) {
      if (!team) return { ...(await localList({ limit, offset, level, profile, search })), team: null };
      if (scope === 'workstation') return { ...(await localList({ limit, offset, level, profile, search })), team: { workstation: team.workstationName, othersMissing: false } };
      // The whole team: this workstation's entries from its own log (complete even while some
      // wait to be pushed), the rest from the team database (the others', and this one's that
      // its log lacks: a data file restored from a backup or made anew), merged newest first.
      // Both sides split at one moment, `held`: the local side reads what the log held then, the
      // team everything else. An entry written meanwhile comes from the team once pushed (else
      // the next list has it), never from both.
      const wanted = offset + limit;
      const held = (await db.all<{ epoch: string; last: bigint }>('SELECT epoch, max(id) AS last FROM activity GROUP BY epoch')).map((h) => ({ epoch: h.epoch, last: Number(h.last) }));
      const [own, others] = await Promise.all([
        localList({ limit: wanted, offset: 0, level, profile, search, held }),
        withinTeamWait(team.othersActivity({ limit: wanted, level, profile, search, held }), TEAM_LIST_WAIT_MS),
      ]);
      const merged = [...own.entries, ...(others?.entries.map((r) => teamEntry(r, team.workstation, db.epoch)) ?? [])].sort((a, b) => b.at.localeCompare(a.at));
      return {
        entries: merged.slice(offset, offset + limit),
        total: own.total + (others?.total ?? 0),
        team: { workstation: team.workstationName, othersMissing: others === undefined },
      };
    },
    async close() {
      await sync?.stop();
    },
  };
}
