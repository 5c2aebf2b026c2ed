import { NOT_HELD, storedTeamText } from './team-events';
import type { TeamDb } from './team-pool';
import type { LeaseTiming } from './team-options';
import type { AbandonedSend, TeamSend, TeamSendEvent } from './team-store-types';

/** Sends left mid-upload by another workstation whose lease ran out (plus grace) or that is gone (not those held on it: {@link NOT_HELD}). */
export async function abandonedTeamSends(db: TeamDb, me: string, lease: LeaseTiming): Promise<AbandonedSend[]> {
  const rows = (
    await db.query<Record<string, unknown>>(
      `SELECT s.* FROM team_sends s LEFT JOIN team_workstations w ON w.id = s.workstation
       WHERE s.active AND s.state IN ('queued', 'uploading') AND s.workstation <> $1 AND ${NOT_HELD('s')}
         AND ((s.lease_holder IS NOT NULL AND s.lease_until < now() - make_interval(secs => $2::double precision / 1000))
           OR (s.lease_holder IS NULL AND (w.last_seen IS NULL OR w.last_seen < now() - make_interval(secs => $3::double precision / 1000))))
       ORDER BY s.created_at`,
      [me, lease.graceMs, lease.staleAfterMs],
    )
  ).rows;
  return rows.map((r) => ({
    id: String(r.id),
    profile: String(r.profile),
    client: String(r.client),
    sourceMailingId: String(r.source_mailing_id),
    sourceMailingName: String(r.source_mailing_name),
    test: Boolean(r.test),
    state: String(r.state),
    recipients: Number(r.recipients),
    excluded: Number(r.excluded),
    uploadDir: String(r.upload_dir),
    logDir: String(r.log_dir),
    fileName: String(r.file_name),
    productsFileName: r.products_file_name === null ? null : String(r.products_file_name),
    workstation: String(r.workstation),
    createdAt: r.created_at as Date,
  }));
}

/** Active sends `me` owns, claimed longer ago than `olderThanMs`. */
export async function ownTeamClaims(db: TeamDb, me: string, olderThanMs: number): Promise<string[]> {
  const rows = (await db.query<{ id: string }>('SELECT id FROM team_sends WHERE active AND workstation = $1 AND created_at < now() - make_interval(secs => $2::double precision / 1000)', [me, olderThanMs])).rows;
  return rows.map((r) => r.id);
}

const TEAM_SEND_SELECT = `SELECT s.*, w.name AS started_by_name FROM team_sends s LEFT JOIN team_workstations w ON w.id = s.started_by`;

function toTeamSend(r: Record<string, unknown>): TeamSend {
  const date = (v: unknown) => (v === null || v === undefined ? null : (v as Date));
  return {
    id: String(r.id),
    profile: String(r.profile),
    client: String(r.client),
    sourceMailingId: String(r.source_mailing_id),
    sourceMailingName: String(r.source_mailing_name),
    test: Boolean(r.test),
    recipients: Number(r.recipients),
    excluded: Number(r.excluded),
    state: String(r.state),
    active: Boolean(r.active),
    fileName: String(r.file_name),
    productsFileName: r.products_file_name === null ? null : String(r.products_file_name),
    uploadDir: String(r.upload_dir),
    mailingId: r.mailing_id === null ? null : String(r.mailing_id),
    workstation: String(r.workstation),
    startedBy: String(r.started_by),
    startedByName: r.started_by_name === null ? String(r.started_by) : String(r.started_by_name),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    scheduledAt: date(r.scheduled_at),
    releasedAt: date(r.released_at),
    decision: r.decision === null ? null : { decision: r.decision as 'approved' | 'rejected', byName: String(r.decided_by_name), at: r.decided_at as Date, reason: r.decision_reason === null ? null : String(r.decision_reason) },
  };
}

/** A step of the shared journal as stored (the catalog key and values since team migration 6). */
interface EventRow {
  occurred_at: Date;
  state: string;
  message: string;
  message_id: string | null;
  message_values: string | null;
  workstation: string;
  workstation_name: string | null;
}
/** The journal's columns with the name of the workstation that wrote each step (`e`: team_send_events, joined by {@link EVENT_FROM}). */
const EVENT_COLUMNS = 'e.occurred_at, e.state, e.message, e.message_id, e.message_values, e.workstation, w.name AS workstation_name';
const EVENT_FROM = 'team_send_events e LEFT JOIN team_workstations w ON w.id = e.workstation';

function toEvent(e: EventRow): TeamSendEvent {
  return { at: e.occurred_at, state: e.state, message: e.message, text: storedTeamText(e.message_id, e.message_values), workstation: e.workstation, workstationName: e.workstation_name ?? e.workstation };
}

/** The shared journal, newest first (at most `limit` rows, 1 to 100 000), with each send's events when asked. */
export async function listTeamSends(db: TeamDb, limit = 1000, withEvents = false): Promise<(TeamSend & { readonly events: TeamSendEvent[] })[]> {
  const rows = (await db.query<Record<string, unknown>>(`${TEAM_SEND_SELECT} ORDER BY s.created_at DESC, s.id DESC LIMIT $1`, [Math.max(1, Math.min(limit, 100_000))])).rows;
  const sends = rows.map((r) => ({ ...toTeamSend(r), events: [] as TeamSendEvent[] }));
  if (withEvents && sends.length > 0) {
    const byId = new Map(sends.map((s) => [s.id, s]));
    const events = (await db.query<EventRow & { send_id: string }>(`SELECT e.send_id, ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.send_id = ANY($1) ORDER BY e.id`, [[...byId.keys()]])).rows;
    for (const e of events) byId.get(e.send_id)?.events.push(toEvent(e));
  }
  return sends;
}

/** One send of the shared journal with its events (oldest first); undefined when the team has no such send. */
export async function teamSendWithEvents(db: TeamDb, id: string): Promise<(TeamSend & { readonly events: TeamSendEvent[] }) | undefined> {
  const row = (await db.query<Record<string, unknown>>(`${TEAM_SEND_SELECT} WHERE s.id = $1`, [id])).rows[0];
  if (!row) return undefined;
  const events = (await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.send_id = $1 ORDER BY e.id`, [id])).rows;
  return { ...toTeamSend(row), events: events.map(toEvent) };
}

/** Workstations seen within the last `withinMs`, by name. */
export async function activeTeamWorkstations(db: TeamDb, withinMs: number): Promise<{ id: string; name: string; lastSeen: Date }[]> {
  const rows = (await db.query<{ id: string; name: string; last_seen: Date }>('SELECT id, name, last_seen FROM team_workstations WHERE last_seen >= now() - make_interval(secs => $1::double precision / 1000) ORDER BY name', [withinMs])).rows;
  return rows.map((r) => ({ id: r.id, name: r.name, lastSeen: r.last_seen }));
}
