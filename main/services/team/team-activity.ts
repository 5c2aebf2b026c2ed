import pg from 'pg';
import { listenTeamChannel } from './team-notices';
import type { TeamDb } from './team-pool';
import { TEAM_ACTIVITY_CHANNEL, type TeamActivityFilter, type TeamActivityInput, type TeamActivityNotice, type TeamActivityRow } from './team-store-types';

// The shared activity log (#16). Each workstation's local log stays its working copy; these are
// the team database's side of it: a batched, idempotent push, the reads, the NOTIFY and retention.

/** Who pushes: this workstation's id and its name shown to the others. */
interface Writer {
  readonly id: string;
  readonly name: string;
}

/**
 * Writes a batch of entries in one INSERT (arrays unnested on the server, so a burst of a
 * thousand entries is a couple of round trips, not a thousand). An entry the team already has
 * (same workstation, log epoch and local id: a batch pushed again after its reply was lost) is
 * left as it is.
 */
export async function pushTeamActivity(db: TeamDb, me: Writer, entries: readonly TeamActivityInput[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <T>(pick: (e: TeamActivityInput) => T) => entries.map(pick);
  await db.query(
    `INSERT INTO team_activity (workstation, workstation_name, epoch, local_id, occurred_at, level, kind, profile, message, message_id, message_values, details)
     SELECT $1, $2, u.epoch, u.local_id, u.occurred_at, u.level, u.kind, u.profile, u.message, u.message_id, u.message_values::jsonb, u.details
     FROM unnest($3::text[], $4::bigint[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
       AS u(epoch, local_id, occurred_at, level, kind, profile, message, message_id, message_values, details)
     ON CONFLICT (workstation, epoch, local_id) DO NOTHING`,
    [
      me.id,
      me.name,
      column((e) => e.epoch),
      column((e) => e.localId),
      column((e) => e.at),
      column((e) => e.level),
      column((e) => e.kind),
      column((e) => e.profile),
      column((e) => e.message),
      column((e) => e.messageId),
      column((e) => (e.messageValues ? JSON.stringify(e.messageValues) : null)),
      column((e) => e.details),
    ],
  );
}

/**
 * Announces on {@link TEAM_ACTIVITY_CHANNEL} that `me` pushed its entries `from`…`to` (local
 * ids) of `epoch`. Once per push, not per batch: a workstation catching up on a long backlog (its
 * first join, a day offline) wakes the others once, not once per batch.
 */
export async function announceTeamActivity(db: TeamDb, me: string, epoch: string, from: number, to: number): Promise<void> {
  const notice: TeamActivityNotice = { workstation: me, epoch, from, to };
  await db.query('SELECT pg_notify($1, $2)', [TEAM_ACTIVITY_CHANNEL, JSON.stringify(notice)]);
}

/** Per log epoch, the newest local id of `me`'s entries in the team (the push cursor). */
export async function pushedTeamActivity(db: TeamDb, me: string): Promise<Map<string, number>> {
  const rows = (await db.query<{ epoch: string; last: string }>('SELECT epoch, max(local_id) AS last FROM team_activity WHERE workstation = $1 GROUP BY epoch', [me])).rows;
  return new Map(rows.map((r) => [r.epoch, Number(r.last)]));
}

const COLUMNS = `a.workstation, COALESCE(w.name, a.workstation_name) AS workstation_name, a.epoch, a.local_id, a.occurred_at, a.level, a.kind, a.profile, a.message, a.message_id, a.message_values, a.details`;
const FROM = 'FROM team_activity a LEFT JOIN team_workstations w ON w.id = a.workstation';
const SELECT = `SELECT ${COLUMNS} ${FROM}`;

interface Row {
  workstation: string;
  workstation_name: string;
  epoch: string;
  local_id: string;
  occurred_at: Date;
  level: TeamActivityRow['level'];
  kind: string;
  profile: string | null;
  message: string;
  message_id: string | null;
  message_values: Record<string, string | number> | null;
  details: string | null;
}

function toRow(r: Row): TeamActivityRow {
  return {
    workstation: r.workstation,
    workstationName: r.workstation_name,
    epoch: r.epoch,
    localId: Number(r.local_id),
    at: r.occurred_at,
    level: r.level,
    kind: r.kind,
    profile: r.profile,
    message: r.message,
    messageId: r.message_id,
    messageValues: r.message_values,
    details: r.details,
  };
}

/**
 * The entries `me`'s own log lacks: every other workstation's, and `me`'s beyond what its log
 * holds (`filter.held`: a replaced data file's, kept by the team alone); newest first, filtered
 * like the local log; and how many match.
 */
export async function othersTeamActivity(db: TeamDb, me: string, filter: TeamActivityFilter): Promise<{ entries: TeamActivityRow[]; total: number }> {
  const params: unknown[] = [me];
  const { held } = filter;
  const where = [
    held
      ? `NOT (a.workstation = $1 AND EXISTS (SELECT 1 FROM unnest($${params.push(held.map((h) => h.epoch))}::text[], $${params.push(held.map((h) => h.last))}::bigint[]) AS h(epoch, last)
           WHERE h.epoch = a.epoch AND a.local_id <= h.last))`
      : 'a.workstation <> $1',
  ];
  if (filter.level) where.push(`a.level = $${params.push(filter.level)}`);
  if (filter.profile) where.push(`a.profile = $${params.push(filter.profile)}`);
  if (filter.search) where.push(`(a.message ILIKE $${params.push(`%${filter.search}%`)} OR a.kind ILIKE $${params.length})`);
  const clause = where.join(' AND ');
  // The count in the same statement as the rows: one snapshot (an entry pushed between two
  // statements would be listed but not counted) and one round trip. At least one row is read, so
  // no row means nothing matches.
  const rows = (
    await db.query<Row & { total: string }>(
      `SELECT ${COLUMNS}, (SELECT count(*) FROM team_activity a WHERE ${clause}) AS total ${FROM} WHERE ${clause} ORDER BY a.occurred_at DESC, a.workstation, a.epoch, a.local_id DESC LIMIT $${params.length + 1}`,
      [...params, Math.max(1, filter.limit)],
    )
  ).rows;
  return { entries: rows.slice(0, filter.limit).map(toRow), total: Number(rows[0]?.total ?? 0) };
}

/** The newest `limit` of `workstation`'s entries of `epoch` with local ids `from`…`to`, oldest first. */
export async function teamActivityOf(db: TeamDb, workstation: string, epoch: string, from: number, to: number, limit: number): Promise<TeamActivityRow[]> {
  const rows = (await db.query<Row>(`${SELECT} WHERE a.workstation = $1 AND a.epoch = $2 AND a.local_id BETWEEN $3 AND $4 ORDER BY a.local_id DESC LIMIT $5`, [workstation, epoch, from, to, limit])).rows;
  return rows.map(toRow).reverse();
}

/** Retention: removes `me`'s entries older than `before`; returns how many went. */
export async function purgeTeamActivity(db: TeamDb, me: string, before: Date): Promise<number> {
  return (await db.query('DELETE FROM team_activity WHERE workstation = $1 AND occurred_at < $2', [me, before])).rowCount ?? 0;
}

/**
 * Calls `listener` for every batch announced on {@link TEAM_ACTIVITY_CHANNEL}, over its own
 * connection that comes back a second after it dropped or could not be made (batches announced
 * meanwhile are missed as notices; they are in the table and the next list shows them). Returns
 * the stop function.
 */
export function watchTeamActivity(config: pg.ClientConfig, listener: (notice: TeamActivityNotice) => void): Promise<() => Promise<void>> {
  return listenTeamChannel(config, TEAM_ACTIVITY_CHANNEL, (payload) => {
    if (!payload) return;
    try {
      const notice = JSON.parse(payload) as TeamActivityNotice;
      if (typeof notice.workstation === 'string' && typeof notice.epoch === 'string' && Number.isFinite(notice.from) && Number.isFinite(notice.to)) listener(notice);
    } catch {
      // A payload we cannot read is not ours to act on.
    }
  });
}
