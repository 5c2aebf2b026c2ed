import type { TeamDb } from './team-pool';
import type { AbandonedSend, LeaseTiming, TeamSend } from './team-store-types';

/** Sends left mid-upload by another workstation whose lease ran out (plus grace) or that is gone. */
export async function abandonedTeamSends(db: TeamDb, me: string, lease: LeaseTiming): Promise<AbandonedSend[]> {
  const rows = (
    await db.query<Record<string, unknown>>(
      `SELECT s.* FROM team_sends s LEFT JOIN team_workstations w ON w.id = s.workstation
       WHERE s.active AND s.state IN ('queued', 'uploading') AND s.workstation <> $1
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

/** The shared journal, newest first (at most `limit` rows, 1 to 100 000). */
export async function listTeamSends(db: TeamDb, limit = 1000): Promise<TeamSend[]> {
  const rows = (await db.query<Record<string, unknown>>('SELECT * FROM team_sends ORDER BY created_at DESC, id DESC LIMIT $1', [Math.max(1, Math.min(limit, 100_000))])).rows;
  return rows.map((r) => ({
    id: String(r.id),
    profile: String(r.profile),
    client: String(r.client),
    sourceMailingId: String(r.source_mailing_id),
    state: String(r.state),
    active: Boolean(r.active),
    fileName: String(r.file_name),
    productsFileName: r.products_file_name === null ? null : String(r.products_file_name),
    uploadDir: String(r.upload_dir),
    workstation: String(r.workstation),
    createdAt: r.created_at as Date,
    releasedAt: (r.released_at as Date | null) ?? null,
  }));
}

/** Workstations seen within the last `withinMs`, by name. */
export async function activeTeamWorkstations(db: TeamDb, withinMs: number): Promise<{ id: string; name: string; lastSeen: Date }[]> {
  const rows = (await db.query<{ id: string; name: string; last_seen: Date }>('SELECT id, name, last_seen FROM team_workstations WHERE last_seen >= now() - make_interval(secs => $1::double precision / 1000) ORDER BY name', [withinMs])).rows;
  return rows.map((r) => ({ id: r.id, name: r.name, lastSeen: r.last_seen }));
}
