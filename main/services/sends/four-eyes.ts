import { rm } from 'node:fs/promises';
import { AppError } from '../../../shared/contract/result';
import type { Send } from '../../../shared/contract/sends';
import type { LogActivity } from '../activity/activity-service';
import type { TeamDecision, TeamStore } from '../team/team-store';
import { said, type SendJournal, type SendRecord } from './send-journal';

/** What the four-eyes steps work with. */
export interface FourEyesDeps {
  readonly team: TeamStore | undefined;
  readonly journal: SendJournal;
  readonly log: LogActivity;
  readonly changed: (record: SendRecord) => void;
  /** Decisions seen so far, by send id (the Sends screen shows who decided). */
  readonly decided: Map<string, NonNullable<Send['approval']>>;
}

/**
 * The state a real send of a four-eyes client starts in: `awaiting_approval` (it uploads only
 * after another team member approved it). Test sends never wait. Outside team mode there is no
 * other member to approve, so such a send is refused up front instead of waiting for ever.
 */
export function needsApproval(fourEyes: boolean, test: boolean, team: TeamStore | undefined, client: string): boolean {
  if (!fourEyes || test) return false;
  if (!team) throw new AppError('FORBIDDEN', 'error.team.fourEyesNeedsTeam', { client });
  return true;
}

/**
 * Applies the team's decisions to this workstation's sends that wait for approval: approved
 * sends go on (`scheduled` when their time is still ahead, else `queued`); rejected ones end
 * `cancelled`, their prepared files removed, so they can never upload. Each decision goes into
 * the send's timeline and the activity log with the name of the member who took it.
 */
export async function settleDecisions(deps: FourEyesDeps): Promise<void> {
  if (!deps.team) return;
  const waiting = await deps.journal.list({ states: ['awaiting_approval'] });
  if (waiting.length === 0) return;
  const byId = new Map(waiting.map((r) => [r.id, r]));
  for (const d of await deps.team.decisions([...byId.keys()])) {
    const record = byId.get(d.sendId)!;
    deps.decided.set(d.sendId, { decision: d.decision, by: d.byName, at: d.at.toISOString(), reason: d.reason });
    if (d.decision === 'approved') {
      const next = record.scheduledAt.getTime() > Date.now() ? 'scheduled' : 'queued';
      deps.changed(await deps.journal.update(record.id, { state: next }, { state: next, ...said('team.event.approved', { name: d.byName }) }));
      await deps.log({ level: 'info', kind: 'send', profile: record.profile, messageId: 'team.activity.approved', values: { sendId: record.id, name: d.byName } });
    } else {
      const text = d.reason ? said('team.event.rejectedWithReason', { name: d.byName, reason: d.reason }) : said('team.event.rejected', { name: d.byName });
      deps.changed(await deps.journal.update(record.id, { state: 'cancelled' }, { state: 'cancelled', ...text }));
      await rm(record.workDir, { recursive: true, force: true });
      await deps.log({ level: 'info', kind: 'send', profile: record.profile, messageId: 'team.activity.rejected', values: { sendId: record.id, name: d.byName, reason: d.reason || '—' } });
    }
  }
}

/**
 * This workstation approves or rejects another member's send (the team database refuses a
 * member's own send, one that no longer waits, and a second decision). Logged here too.
 */
export async function decide(deps: FourEyesDeps, id: string, decision: TeamDecision, reason: string): Promise<void> {
  if (!deps.team) throw new AppError('FORBIDDEN', 'error.team.approvalNeedsTeam', { sendId: id });
  const record = await deps.team.decide(id, decision, reason.trim());
  deps.decided.set(id, { decision, by: record.byName, at: record.at.toISOString(), reason: record.reason });
  const send = await deps.team.get(id);
  await deps.log({
    level: 'info',
    kind: 'send',
    profile: send?.profile ?? null,
    ...(decision === 'approved'
      ? { messageId: 'team.activity.youApproved' as const, values: { sendId: id, name: send?.startedByName ?? '?' } }
      : { messageId: 'team.activity.youRejected' as const, values: { sendId: id, name: send?.startedByName ?? '?', reason: record.reason || '—' } }),
  });
}
