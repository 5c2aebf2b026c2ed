import type pg from 'pg';
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
 *   send approved elsewhere, not yet settled here) never moves the send back.
 * - each step once: a change with its timeline place (`step`, and its time `at`) is written only
 *   past the place of the newest step the team has ({@link PAST_TOLD}).
 *
 * The send's state (team_sends.state) and its journal (team_send_events) are two things: the state
 * is the team's and only moves forward; the journal is the owner's timeline as told, each step with
 * the state its owner was in. A step behind the team's state (its place past the told one) is
 * therefore counted as told and, while the send is in flight, written to the journal with its own
 * state, leaving team_sends.state as it is; unless the journal has that very step already (same
 * state and sentence: a data file restored from an older backup takes again what the team has). Why: such a step can be the one thing the other
 * workstations must know. A send held before its upload for its own name (own-name-check.ts) goes
 * back to `queued` on its owner after the team heard `uploading`; without its step the others
 * would see an upload that never ends, with no word that it waits for an operator's answer on the
 * owner (team-send-view.ts reads the hold from that step). Nobody reads the state back from the
 * journal (the lease, the adoption and the forward rule read team_sends), so nothing moves back. A
 * finished send takes no step at all: its journal ends with how it ended.
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
      if (step === null) return; // a repeat, behind the team, or finished: nothing to tell
      // Counted as told; while the send is in flight a step behind the team's state is written all the same (see above).
      const behind = await c.query<{ state: string }>(
        `UPDATE team_sends SET told_steps = $3, told_at = $4 WHERE id = $1 AND (workstation = $2 OR lease_holder = $2) AND ${PAST_TOLD('$3', '$4')} RETURNING active, state`,
        [change.sendId, me, step, at],
      );
      const row = behind.rows[0] as { state: string; active: boolean } | undefined;
      if (!row?.active || (change.message === undefined && !change.text)) return;
      const said: TeamStep = { message: change.message ?? '', text: change.text };
      const known = await c.query(
        'SELECT 1 FROM team_send_events WHERE send_id = $1 AND state = $2 AND message = $3 AND message_id IS NOT DISTINCT FROM $4 AND message_values IS NOT DISTINCT FROM $5 LIMIT 1',
        [change.sendId, change.state, said.message, said.text?.id ?? null, said.text ? JSON.stringify(said.text.values) : null],
      );
      if (known.rowCount !== 0) return; // a step the team has (a restored data file takes it again)
      await insertTeamEvent(c, change.sendId, change.state, said, me, at ?? undefined);
      // Announced with the team's state (unchanged), so the others read the new step.
      return void (await notifyState(c, change.sendId, row.state, me));
    }
    // A state reached without a step of its own (the owner's poll) is announced without one.
    if (change.message !== undefined || change.text) await writeStep(c, change, me, at);
    await notifyState(c, change.sendId, change.state, me);
  });
}

/** Writes the change's step into the shared journal, unless the journal already ends with it. */
async function writeStep(c: pg.PoolClient, change: ClaimStateChange, me: string, at: Date | null): Promise<void> {
  const said: TeamStep = { message: change.message ?? '', text: change.text };
  const last = (await c.query<{ state: string; message: string; message_id: string | null; message_values: string | null }>(
    'SELECT state, message, message_id, message_values FROM team_send_events WHERE send_id = $1 ORDER BY id DESC LIMIT 1',
    [change.sendId],
  )).rows[0];
  if (!last || !sameTeamStep(last, change.state, said)) await insertTeamEvent(c, change.sendId, change.state, said, me, at ?? undefined);
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
