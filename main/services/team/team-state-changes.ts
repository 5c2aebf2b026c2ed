import type { ClaimStateChange } from '../store/send-claims';
import { insertTeamEvent, sameTeamStep, type TeamStep } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';

/**
 * Records a state change of a send this workstation owns or leases (event row plus NOTIFY, one
 * transaction); a finished state releases the send's lock and lease. A change of the send's counts
 * in the same state (rows left out at upload) is recorded the same way, so the step that says why
 * reaches the other workstations too. A repeat of the current state and counts records nothing,
 * and a step the journal already ends with is not written twice (counts told again after a restart).
 */
export async function recordTeamState(db: TeamDb, me: string, change: ClaimStateChange, final: boolean): Promise<void> {
  await db.transaction(async (c) => {
    const r = await c.query(
      `UPDATE team_sends SET state = $2, active = active AND NOT $3, mailing_id = COALESCE($4, mailing_id), updated_at = now(),
         recipients = COALESCE($6, recipients), excluded = COALESCE($7, excluded),
         released_at = CASE WHEN $3 AND released_at IS NULL THEN now() ELSE released_at END,
         lease_holder = CASE WHEN $3 THEN NULL ELSE lease_holder END, lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
       WHERE id = $1 AND active AND (workstation = $5 OR lease_holder = $5)
         AND (state <> $2 OR mailing_id IS DISTINCT FROM COALESCE($4, mailing_id) OR recipients <> COALESCE($6, recipients) OR excluded <> COALESCE($7, excluded))`,
      [change.sendId, change.state, final, change.mailingId ?? null, me, change.recipients ?? null, change.excluded ?? null],
    );
    if (r.rowCount === 0) return;
    const step: TeamStep = { message: change.message ?? '', text: change.text };
    const last = (await c.query<{ state: string; message: string; message_id: string | null; message_values: string | null }>(
      'SELECT state, message, message_id, message_values FROM team_send_events WHERE send_id = $1 ORDER BY id DESC LIMIT 1',
      [change.sendId],
    )).rows[0];
    if (!last || !sameTeamStep(last, change.state, step)) await insertTeamEvent(c, change.sendId, change.state, step, me);
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
