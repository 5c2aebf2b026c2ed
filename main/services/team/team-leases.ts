import { AppError } from '../../../shared/contract/result';
import type { LeaseOutcome } from '../store/send-claims';
import { NOT_HELD, storedTeamText } from './team-events';
import type { TeamDb } from './team-pool';
import type { LeaseTiming } from './team-options';
import { teamText } from './team-text';

/** The leases this workstation holds, renewed on a timer while an upload runs. */
export interface TeamLeases {
  /** One lease attempt: taken when free, ours, or run out (plus grace) and the send is still active. */
  acquire(sendId: string): Promise<LeaseOutcome>;
  /** Returns when the lease is safely ours; throws TEAM_UNAVAILABLE (lease-lost) when it cannot be confirmed. */
  assert(sendId: string): Promise<void>;
  /** Gives the lease back (stops renewing it first). */
  release(sendId: string): Promise<void>;
  /** Takes the lease of an abandoned send; false when someone else was faster or it ended. */
  takeOver(sendId: string): Promise<boolean>;
  /** Stops renewing one lease (the send finished); the database keeps it until it runs out or is released. */
  stopRenewing(sendId: string): void;
  /** Stops renewing every lease (the store closes). */
  stopAll(): void;
}

/** Leases on `team_sends` for workstation `me`. */
export function teamLeases(db: TeamDb, me: string, lease: LeaseTiming): TeamLeases {
  /** Local time by which each held lease must be renewed again (our clock, conservative). */
  const held = new Map<string, { safeUntil: number; timer: NodeJS.Timeout }>();

  const stopRenewing = (sendId: string) => {
    const h = held.get(sendId);
    if (h) clearInterval(h.timer);
    held.delete(sendId);
  };

  const tryLease = async (sendId: string): Promise<LeaseOutcome> => {
    const sentAt = Date.now();
    const rows = (
      await db.query<{ id: string }>(
        `UPDATE team_sends SET lease_holder = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
         WHERE id = $1 AND active AND state IN ('queued', 'uploading', 'scheduled')
           AND ((lease_holder IS NULL OR lease_holder = $2) OR (lease_until < now() - make_interval(secs => $4::double precision / 1000)))
         RETURNING id`,
        [sendId, me, lease.ttlMs, lease.graceMs],
      )
    ).rows;
    if (rows.length === 1) {
      // Our own clock decides when we stop trusting the lease: counted from before the request left.
      const safeUntil = sentAt + lease.ttlMs * 0.75;
      const h = held.get(sendId);
      if (h) h.safeUntil = safeUntil;
      else {
        const timer = setInterval(() => void tryLease(sendId).catch(() => undefined), lease.ttlMs / 3);
        timer.unref?.();
        held.set(sendId, { safeUntil, timer });
      }
      return { kind: 'held' };
    }
    const now = (await db.query<{
      state: string;
      active: boolean;
      lease_holder: string | null;
      message: string | null;
      message_id: string | null;
      message_values: string | null;
      owner: string;
      told_by: string | null;
      file_name: string;
      products_file_name: string | null;
      mailing_id: string | null;
    }>(
      `SELECT s.state, s.active, s.lease_holder, e.message, e.message_id, e.message_values, s.workstation AS owner, e.workstation AS told_by,
              s.file_name, s.products_file_name, s.mailing_id FROM team_sends s
       LEFT JOIN LATERAL (SELECT message, message_id, message_values, workstation FROM team_send_events WHERE send_id = s.id ORDER BY id DESC LIMIT 1) e ON true
       WHERE s.id = $1`,
      [sendId],
    )).rows[0];
    stopRenewing(sendId);
    if (!now) {
      const gone = teamText('team.event.notInTeam', { sendId, target: db.target });
      return { kind: 'ended', state: 'error', message: gone.message, text: gone.text };
    }
    if (!now.active || !['queued', 'uploading', 'scheduled'].includes(now.state)) {
      const ended = { kind: 'ended' as const, state: now.state, message: now.message ?? '', text: storedTeamText(now.message_id, now.message_values) };
      // Moved on by this workstation's own (newer) data: the local record can follow the team.
      if (now.owner !== me || (now.told_by !== null && now.told_by !== me)) return ended;
      return { ...ended, ownAhead: { fileName: now.file_name, productsFileName: now.products_file_name, mailingId: now.mailing_id } };
    }
    return { kind: 'busy', holder: now.lease_holder ?? '' };
  };

  return {
    acquire: tryLease,

    async assert(sendId) {
      const h = held.get(sendId);
      if (h && Date.now() < h.safeUntil) return;
      // Past the safe time: only a fresh renewal, confirmed now, lets the file be published.
      const outcome = await tryLease(sendId).catch((e) => ({ kind: 'error' as const, e }));
      if (outcome.kind === 'held') return;
      const details = { sendId, reason: 'lease-lost' } as const;
      if (outcome.kind === 'error') throw new AppError('TEAM_UNAVAILABLE', 'error.team.leaseLostReason', { sendId, target: db.target, reason: (outcome.e as Error).message }, details);
      throw new AppError('TEAM_UNAVAILABLE', 'error.team.leaseLost', { sendId, target: db.target }, details);
    },

    async release(sendId) {
      stopRenewing(sendId);
      await db.query('UPDATE team_sends SET lease_holder = NULL, lease_until = NULL WHERE id = $1 AND lease_holder = $2', [sendId, me]);
    },

    async takeOver(sendId) {
      const r = await db.query(
        `UPDATE team_sends s SET lease_holder = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
         WHERE s.id = $1 AND s.active AND s.state IN ('queued', 'uploading') AND s.workstation <> $2 AND ${NOT_HELD('s')}
           AND ((s.lease_holder IS NOT NULL AND s.lease_until < now() - make_interval(secs => $4::double precision / 1000))
             OR (s.lease_holder IS NULL AND NOT EXISTS (SELECT 1 FROM team_workstations w WHERE w.id = s.workstation AND w.last_seen >= now() - make_interval(secs => $5::double precision / 1000))))
         RETURNING s.id`,
        [sendId, me, lease.ttlMs, lease.graceMs, lease.staleAfterMs],
      );
      return r.rowCount === 1;
    },

    stopRenewing,

    stopAll() {
      for (const id of [...held.keys()]) stopRenewing(id);
    },
  };
}
