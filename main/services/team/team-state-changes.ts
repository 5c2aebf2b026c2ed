import type { ClaimStateChange } from '../store/send-claims';
import { insertTeamEvent, type TeamStep } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';

/**
 * Records a state change of a send this workstation owns or leases (event row plus NOTIFY, one
 * transaction); a finished state releases the send's lock and lease. A repeat of the current state
 * records nothing.
 */
export async function recordTeamState(db: TeamDb, me: string, change: ClaimStateChange, final: boolean): Promise<void> {
  await db.transaction(async (c) => {
    const r = await c.query(
      `UPDATE team_sends SET state = $2, active = active AND NOT $3, mailing_id = COALESCE($4, mailing_id), updated_at = now(),
         released_at = CASE WHEN $3 AND released_at IS NULL THEN now() ELSE released_at END,
         lease_holder = CASE WHEN $3 THEN NULL ELSE lease_holder END, lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
       WHERE id = $1 AND active AND (workstation = $5 OR lease_holder = $5) AND (state <> $2 OR mailing_id IS DISTINCT FROM COALESCE($4, mailing_id))`,
      [change.sendId, change.state, final, change.mailingId ?? null, me],
    );
    if (r.rowCount === 0) return;
    await insertTeamEvent(c, change.sendId, change.state, { message: change.message ?? '', text: change.text }, me);
    await notifyState(c, change.sendId, change.state, me);
  });
}

/** Makes workstation `me` the owner of a send whose lease it took over, in state `state`. */
export async function adoptTeamSend(db: TeamDb, me: string, sendId: string, state: string, step: TeamStep): Promise<void> {
  await db.transaction(async (c) => {
    await c.query('UPDATE team_sends SET workstation = $2, state = $3, lease_holder = NULL, lease_until = NULL, updated_at = now() WHERE id = $1 AND lease_holder = $2', [sendId, me, state]);
    await insertTeamEvent(c, sendId, state, step, me);
    await notifyState(c, sendId, state, me);
  });
}
