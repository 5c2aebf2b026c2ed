import { SendState, type Send } from '../../../shared/contract/sends';
import type { TeamSend, TeamSendEvent, TeamStore } from '../team/team-store';

/** A send's four-eyes decision as the contract carries it. */
export function approvalOf(t: Pick<TeamSend, 'decision'>): Send['approval'] {
  return t.decision ? { decision: t.decision.decision, by: t.decision.byName, at: t.decision.at.toISOString(), reason: t.decision.reason } : null;
}

/**
 * A send another workstation of the team started, as the Sends screen shows it: from the
 * shared journal (this workstation has none of its files), marked with the workstation that
 * started it.
 */
export function teamSendDto(team: Pick<TeamStore, 'workstation'>, t: TeamSend, events: readonly TeamSendEvent[] = []): Send {
  const state = SendState.safeParse(t.state);
  return {
    id: t.id,
    profile: t.profile,
    client: t.client,
    sourceMailingId: t.sourceMailingId,
    sourceMailingName: t.sourceMailingName,
    waveId: '',
    test: t.test,
    state: state.success ? state.data : 'error',
    scheduledAt: (t.scheduledAt ?? t.createdAt).toISOString(),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    inputFile: '',
    recipients: t.recipients,
    excluded: t.excluded,
    fileName: t.fileName,
    productsFileName: t.productsFileName,
    mailingId: t.mailingId,
    progress: null,
    error: null,
    serverHalted: false,
    lastCheckedAt: null,
    held: null,
    timeline: events.flatMap((e) => {
      const s = SendState.safeParse(e.state);
      return s.success ? [{ at: e.at.toISOString(), state: s.data, message: e.message, text: e.text, server: null }] : [];
    }),
    origin: { workstation: t.startedBy, name: t.startedByName, mine: t.startedBy === team.workstation },
    approval: approvalOf(t),
  };
}
