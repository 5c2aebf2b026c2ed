import type { CatalogText } from '../../../shared/contract/catalog-text';
import { SendState, type Send } from '../../../shared/contract/sends';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { HELD_STEP_ID } from '../team/team-events';
import type { TeamSend, TeamSendEvent, TeamStore } from '../team/team-store';

/** A send's four-eyes decision as the contract carries it. */
export function approvalOf(t: Pick<TeamSend, 'decision'>): Send['approval'] {
  return t.decision ? { decision: t.decision.decision, by: t.decision.byName, at: t.decision.at.toISOString(), reason: t.decision.reason } : null;
}


/**
 * Whether another workstation's send is held before its upload (own-name-check.ts), read from the
 * shared journal: the team's state of such a send stays where it was (`uploading`: it only moves
 * forward), but the owner's hold step is written to the journal all the same
 * (team-state-changes.ts). So the send is held while that step is its newest and it is in flight;
 * the owner's answer, its cancel or anything else it does next is a newer step. The step's own
 * values name the file and the server's time; the hold is the owner's to answer (the answer needs
 * the send's files), so the workstation that wrote the step is named.
 */
export function heldInTeam(t: Pick<TeamSend, 'active' | 'state' | 'fileName'>, events: readonly TeamSendEvent[]): Send['held'] {
  const last = events.at(-1);
  if (!t.active || !['queued', 'uploading'].includes(t.state) || last?.text?.id !== HELD_STEP_ID) return null;
  const { file, at } = last.text.values;
  return {
    file: typeof file === 'string' ? file : t.fileName,
    since: typeof at === 'number' && Number.isFinite(at) ? new Date(at).toISOString() : null,
    workstation: last.workstationName,
  };
}

/**
 * Steps worded for the operator of the workstation that took them: "you decide", "you confirmed",
 * "this workstation", "here". Shown on another workstation, each says instead which workstation
 * (its operator) it was, in the third person; the values stay, `by` names that workstation.
 */
const ELSEWHERE: Readonly<Partial<Record<string, MessageId>>> = {
  'sends.step.heldOwnName': 'sends.step.heldOwnName.elsewhere',
  'sends.step.heldIsThisSend': 'sends.step.heldIsThisSend.elsewhere',
  'sends.step.heldNotThisSend': 'sends.step.heldNotThisSend.elsewhere',
  'sends.step.adopted': 'sends.step.adopted.elsewhere',
  'sends.step.takenOver': 'sends.step.takenOver.elsewhere',
  'sends.step.teamAhead': 'sends.step.teamAhead.elsewhere',
};

/**
 * A step another workstation (`by`, its name) wrote, as this one shows it: its third-person
 * wording where the step was written for that workstation's own operator, with the English line
 * to match; null when its own wording fits anywhere.
 */
export function toldElsewhere(text: CatalogText | null, by: string): { text: CatalogText; message: string } | null {
  const id = text ? ELSEWHERE[text.id] : undefined;
  if (!text || !id) return null;
  const values = { ...text.values, by };
  return { text: { id, values }, message: appIntl('en').formatMessage({ id }, values) };
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
    held: heldInTeam(t, events),
    timeline: events.flatMap((e) => {
      const s = SendState.safeParse(e.state);
      if (!s.success) return [];
      const told = e.workstation === team.workstation ? null : toldElsewhere(e.text, e.workstationName);
      return [{ at: e.at.toISOString(), state: s.data, message: told?.message ?? e.message, text: told?.text ?? e.text, server: null, workstation: e.workstation === team.workstation ? null : e.workstationName }];
    }),
    origin: { workstation: t.startedBy, name: t.startedByName, mine: t.startedBy === team.workstation },
    approval: approvalOf(t),
  };
}
