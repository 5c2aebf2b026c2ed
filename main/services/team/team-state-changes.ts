import { SEND_STATES } from '../../../shared/contract/sends';
import type { ClaimStateChange } from '../store/send-claims';
import { insertTeamEvent, sameTeamStep, type TeamStep } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';
import type { TeamTold } from './team-store-types';

/**
 * SQL: whether a step at position `step` taken at `at` (parameter names; `at` may be NULL) lies
 * past the newest step the team has of the send's local timeline (told_steps, told_at).
 *
 * Within one history of the owner's data file, the local timeline is ordered by time and then
 * by position, so (time, position) only grows. A data file restored from an older backup has
 * fewer steps than the team was told, and its position numbers start again below told_steps; but
 * each step it takes from then on is later than every step the team has, so it is past by its
 * time, while the steps the backup kept (the team has each) are not. A step told again is not past
 * itself. Without a time on either side (just claimed or adopted, sends claimed before team
 * migration 10, callers that give none) the position alone decides, as before.
 */
const PAST_TOLD = (step: string, at: string) =>
  `CASE WHEN told_at IS NULL OR ${at}::timestamptz IS NULL THEN told_steps IS NULL OR told_steps < ${step}::integer
     ELSE (told_at, COALESCE(told_steps, 0)) < (${at}::timestamptz, ${step}::integer) END`;

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
 * - each step once: a change with its timeline place (`step`, and its time `at`) is written only
 *   past the place of the newest step the team has ({@link PAST_TOLD}). A step that may not move
 *   the send (behind the team) is counted as told all the same, so it is not offered again.
 * A step the journal already ends with is not written twice (the owner's "Approved by …" after the
 * approver's own; counts told again after a restart). A step is shown at its own time (`at`), not
 * at the time it arrived.
 */
export async function recordTeamState(db: TeamDb, me: string, change: ClaimStateChange, final: boolean): Promise<void> {
  await db.transaction(async (c) => {
    const step = change.step ?? null;
    const at = step === null ? null : (change.at ?? null);
    const r = await c.query(
      `UPDATE team_sends SET state = $2, active = active AND NOT $3, mailing_id = COALESCE($4, mailing_id), updated_at = now(),
         recipients = COALESCE($6, recipients), excluded = COALESCE($7, excluded),
         told_steps = COALESCE($8, told_steps), told_at = CASE WHEN $8::integer IS NULL THEN told_at ELSE $10 END,
         released_at = CASE WHEN $3 AND released_at IS NULL THEN now() ELSE released_at END,
         lease_holder = CASE WHEN $3 THEN NULL ELSE lease_holder END, lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
       WHERE id = $1 AND active AND (workstation = $5 OR lease_holder = $5)
         AND array_position($9::text[], $2) >= array_position($9::text[], state)
         AND CASE WHEN $8::integer IS NULL
           THEN state <> $2 OR mailing_id IS DISTINCT FROM COALESCE($4, mailing_id) OR recipients <> COALESCE($6, recipients) OR excluded <> COALESCE($7, excluded)
           ELSE ${PAST_TOLD('$8', '$10')} END`,
      [change.sendId, change.state, final, change.mailingId ?? null, me, change.recipients ?? null, change.excluded ?? null, step, SEND_STATES, at],
    );
    if (r.rowCount === 0) {
      // Behind the team, or the send finished: the step is dealt with (nothing to write).
      if (step !== null) await c.query(`UPDATE team_sends SET told_steps = $3, told_at = $4 WHERE id = $1 AND (workstation = $2 OR lease_holder = $2) AND ${PAST_TOLD('$3', '$4')}`, [change.sendId, me, step, at]);
      return;
    }
    // A state reached without a step of its own (the owner's poll) is announced without one.
    if (change.message === undefined && !change.text) return void (await notifyState(c, change.sendId, change.state, me));
    const said: TeamStep = { message: change.message ?? '', text: change.text };
    const last = (await c.query<{ state: string; message: string; message_id: string | null; message_values: string | null }>(
      'SELECT state, message, message_id, message_values FROM team_send_events WHERE send_id = $1 ORDER BY id DESC LIMIT 1',
      [change.sendId],
    )).rows[0];
    if (!last || !sameTeamStep(last, change.state, said)) await insertTeamEvent(c, change.sendId, change.state, said, me, at ?? undefined);
    await notifyState(c, change.sendId, change.state, me);
  });
}

/** Where the team's copy of each send's local timeline ends (sends the team does not know are left out). */
export async function toldTeamSteps(db: TeamDb, sendIds: readonly string[]): Promise<Map<string, TeamTold>> {
  if (sendIds.length === 0) return new Map();
  const rows = (await db.query<{ id: string; told_steps: number | null; told_at: Date | null }>('SELECT id, told_steps, told_at FROM team_sends WHERE id = ANY($1)', [sendIds])).rows;
  return new Map(rows.map((r) => [r.id, { steps: r.told_steps, at: r.told_at }]));
}

/**
 * Makes workstation `me` the owner of a send whose lease it took over, in state `state`. The
 * adoption step is the first of its new owner's local timeline (told_steps = 1; the old owner's
 * told_at means nothing on the new owner's clock).
 */
export async function adoptTeamSend(db: TeamDb, me: string, sendId: string, state: string, step: TeamStep): Promise<void> {
  await db.transaction(async (c) => {
    await c.query('UPDATE team_sends SET workstation = $2, state = $3, lease_holder = NULL, lease_until = NULL, told_steps = 1, told_at = NULL, updated_at = now() WHERE id = $1 AND lease_holder = $2', [sendId, me, state]);
    await insertTeamEvent(c, sendId, state, step, me);
    await notifyState(c, sendId, state, me);
  });
}
