import { SEND_STATES } from '../../../shared/contract/sends';
import type { ClaimStateChange } from '../store/send-claims';
import { insertTeamEvent, sameTeamStep, type TeamStep } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';

/**
 * Records a state change of a send this workstation owns or leases (event row plus NOTIFY, one
 * transaction); a finished state releases the send's lock and lease. A change of the send's counts
 * in the same state (rows left out at upload) is recorded the same way, so the step that says why
 * reaches the other workstations too.
 *
 * Two rules hold in the UPDATE itself, so two writers (two processes of one workstation, an owner
 * and a lease holder) cannot race past them:
 * - forward only: the new state is not before the team's (SEND_STATES order, `movesForward`), and
 *   a finished send (inactive) takes nothing more. A workstation that lags behind the team (its
 *   send approved elsewhere, not yet settled here) tells nothing old.
 * - each step once: a change with its timeline position (`step`) is written only past the
 *   positions the team has (`told_steps`). A step that may not move the send (behind the team)
 *   is counted as told all the same, so it is not offered again.
 * A step the journal already ends with is not written twice (the owner's "Approved by …" after the
 * approver's own; counts told again after a restart).
 */
export async function recordTeamState(db: TeamDb, me: string, change: ClaimStateChange, final: boolean): Promise<void> {
  await db.transaction(async (c) => {
    const step = change.step ?? null;
    const r = await c.query(
      `UPDATE team_sends SET state = $2, active = active AND NOT $3, mailing_id = COALESCE($4, mailing_id), updated_at = now(),
         recipients = COALESCE($6, recipients), excluded = COALESCE($7, excluded), told_steps = COALESCE($8, told_steps),
         released_at = CASE WHEN $3 AND released_at IS NULL THEN now() ELSE released_at END,
         lease_holder = CASE WHEN $3 THEN NULL ELSE lease_holder END, lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
       WHERE id = $1 AND active AND (workstation = $5 OR lease_holder = $5)
         AND array_position($9::text[], $2) >= array_position($9::text[], state)
         AND CASE WHEN $8::integer IS NULL
           THEN state <> $2 OR mailing_id IS DISTINCT FROM COALESCE($4, mailing_id) OR recipients <> COALESCE($6, recipients) OR excluded <> COALESCE($7, excluded)
           ELSE told_steps IS NULL OR told_steps < $8 END`,
      [change.sendId, change.state, final, change.mailingId ?? null, me, change.recipients ?? null, change.excluded ?? null, step, SEND_STATES],
    );
    if (r.rowCount === 0) {
      // Behind the team, or the send finished: the step is dealt with (nothing to write).
      if (step !== null) await c.query('UPDATE team_sends SET told_steps = $3 WHERE id = $1 AND (workstation = $2 OR lease_holder = $2) AND (told_steps IS NULL OR told_steps < $3)', [change.sendId, me, step]);
      return;
    }
    // A state reached without a step of its own (the owner's poll) is announced without one.
    if (change.message === undefined && !change.text) return void (await notifyState(c, change.sendId, change.state, me));
    const said: TeamStep = { message: change.message ?? '', text: change.text };
    const last = (await c.query<{ state: string; message: string; message_id: string | null; message_values: string | null }>(
      'SELECT state, message, message_id, message_values FROM team_send_events WHERE send_id = $1 ORDER BY id DESC LIMIT 1',
      [change.sendId],
    )).rows[0];
    if (!last || !sameTeamStep(last, change.state, said)) await insertTeamEvent(c, change.sendId, change.state, said, me);
    await notifyState(c, change.sendId, change.state, me);
  });
}

/** How many steps of each send's local timeline the team has (null: claimed before team migration 9). */
export async function toldTeamSteps(db: TeamDb, sendIds: readonly string[]): Promise<Map<string, number | null>> {
  if (sendIds.length === 0) return new Map();
  const rows = (await db.query<{ id: string; told_steps: number | null }>('SELECT id, told_steps FROM team_sends WHERE id = ANY($1)', [sendIds])).rows;
  return new Map(rows.map((r) => [r.id, r.told_steps]));
}

/**
 * Makes workstation `me` the owner of a send whose lease it took over, in state `state`. The
 * adoption step is the first of its new owner's local timeline (told_steps = 1).
 */
export async function adoptTeamSend(db: TeamDb, me: string, sendId: string, state: string, step: TeamStep): Promise<void> {
  await db.transaction(async (c) => {
    await c.query('UPDATE team_sends SET workstation = $2, state = $3, lease_holder = NULL, lease_until = NULL, told_steps = 1, updated_at = now() WHERE id = $1 AND lease_holder = $2', [sendId, me, state]);
    await insertTeamEvent(c, sendId, state, step, me);
    await notifyState(c, sendId, state, me);
  });
}
