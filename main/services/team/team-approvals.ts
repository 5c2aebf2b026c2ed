import { AppError } from '../../../shared/contract/result';
import { SendState } from '../../../shared/contract/sends';
import type { Claimant } from './team-claims';
import { insertTeamEvent } from './team-events';
import { notifyState } from './team-notices';
import type { TeamDb } from './team-pool';
import { teamText } from './team-text';

/** A four-eyes decision on a send. */
export type TeamDecision = 'approved' | 'rejected';

/** A decision as the send's own workstation reads it. */
export interface TeamDecisionRecord {
  readonly sendId: string;
  readonly decision: TeamDecision;
  /** The deciding workstation's id and name. */
  readonly by: string;
  readonly byName: string;
  readonly at: Date;
  /** Why it was rejected ('' when no reason was given); null for approvals. */
  readonly reason: string | null;
}

/**
 * Records another team member's decision on a send that waits for approval, in one transaction
 * with its event and NOTIFY. Approved: the send becomes `queued` in the team (its workstation
 * uploads it at its next pass), or `scheduled` while its time is still ahead, as its own
 * workstation settles it (four-eyes.ts): the team never has it further on than its owner will. Rejected: the send ends `cancelled` and frees its source mailing,
 * so it can never upload. Refused: the send is unknown (NOT_FOUND), not waiting for approval or
 * already decided (CONFLICT), or started by the deciding workstation itself (FORBIDDEN).
 */
export async function decideTeamSend(db: TeamDb, me: Claimant, sendId: string, decision: TeamDecision, reason: string): Promise<TeamDecisionRecord> {
  return db.transaction(async (c) => {
    const row = (await c.query<{ state: string; active: boolean; started_by: string; decision: string | null }>('SELECT state, active, started_by, decision FROM team_sends WHERE id = $1 FOR UPDATE', [sendId])).rows[0];
    if (!row) throw new AppError('NOT_FOUND', 'error.team.sendUnknown', { sendId });
    if (row.started_by === me.id) throw new AppError('FORBIDDEN', 'error.team.selfApproval', { sendId });
    if (row.state !== 'awaiting_approval' || !row.active || row.decision) {
      const state = SendState.safeParse(row.state);
      throw new AppError('CONFLICT', 'error.team.notAwaitingApproval', { sendId, state: row.state.replaceAll('_', ' ') }, { sendId, state: state.success ? state.data : null, workstation: row.started_by });
    }
    const approved = decision === 'approved';
    const { decided_at: at, state } = (
      await c.query<{ decided_at: Date; state: string }>(
        `UPDATE team_sends SET decision = $2, decided_by = $3, decided_by_name = $4, decided_at = now(), decision_reason = $5, updated_at = now(),
           state = CASE WHEN NOT $6 THEN 'cancelled' WHEN scheduled_at > now() THEN 'scheduled' ELSE 'queued' END,
           active = $6, released_at = CASE WHEN $6 THEN NULL ELSE now() END
         WHERE id = $1 RETURNING decided_at, state`,
        [sendId, decision, me.id, me.name, approved ? null : reason, approved],
      )
    ).rows[0];
    const text = approved ? teamText('team.event.approved', { name: me.name }) : reason ? teamText('team.event.rejectedWithReason', { name: me.name, reason }) : teamText('team.event.rejected', { name: me.name });
    await insertTeamEvent(c, sendId, state, text, me.id);
    await notifyState(c, sendId, state, me.id);
    return { sendId, decision, by: me.id, byName: me.name, at, reason: approved ? null : reason };
  });
}

/** The decisions taken on the given sends (those still undecided are left out). */
export async function teamDecisions(db: TeamDb, sendIds: readonly string[]): Promise<TeamDecisionRecord[]> {
  if (sendIds.length === 0) return [];
  const rows = (
    await db.query<{ id: string; decision: TeamDecision; decided_by: string; decided_by_name: string; decided_at: Date; decision_reason: string | null }>(
      'SELECT id, decision, decided_by, decided_by_name, decided_at, decision_reason FROM team_sends WHERE id = ANY($1) AND decision IS NOT NULL',
      [sendIds],
    )
  ).rows;
  return rows.map((r) => ({ sendId: r.id, decision: r.decision, by: r.decided_by, byName: r.decided_by_name, at: r.decided_at, reason: r.decision_reason }));
}
