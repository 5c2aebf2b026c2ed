import type { TeamStore } from '../team/team-store';
import type { SendJournal, SendRecord } from './send-journal';

/** Tells the team every step of this workstation's sends, in order, until it landed. */
export interface StateMirror {
  /** Queues the record's new steps (progress-only changes cost nothing). */
  changed(record: SendRecord): void;
  /** Pushes what is still queued (each scheduler pass; after the team database was away). */
  flush(): Promise<void>;
}

/** What the mirror needs of the team database. */
export type MirrorTeam = Pick<TeamStore, 'recordState' | 'toldSteps'>;

/** Where the team's copy of a send's timeline ends: the newest step's position and (when told with one) time, epoch ms. */
interface Told {
  readonly steps: number;
  readonly at: number | null;
}

/** Whether the step at position `n` (1-based), taken at `at`, lies past what the team has (the team's own test: PAST_TOLD in team-state-changes.ts). */
function pastTold(told: Told, n: number, at: number): boolean {
  return told.at === null ? n > told.steps : at > told.at || (at === told.at && n > told.steps);
}

/**
 * The local journal stays this workstation's full record and is the outbox: the team database
 * keeps, per send, where its copy of the local timeline ends (the position and the local time of
 * the newest step it has: `told_steps`, `told_at`), as the activity push keeps its cursor in the
 * team, so every step the team lacks is pushed in order with its place (rows left out at upload
 * as much as a new state), each written once even when told twice. A step that cannot be told now
 * (database away) waits, with the ones after it, for the next pass; nothing needs marking locally.
 * The team refuses what would move a send back (team-state-changes.ts); the step itself still
 * reaches its journal while the send is in flight (a send held for its own name goes back to
 * `queued` here, and the others must see why), without moving the team's state.
 *
 * Why the time: a data file restored from an older backup (or a copy of an older one) has fewer
 * steps of a send than the team was told, and the positions of its new steps start again below
 * the team's count, so positions alone would hide them until the count passed the team's. A step
 * is new to the team when (its time, its position) lies past (told_at, told_steps): within one
 * history of the file both only grow (the timeline is ordered by time, then by position); the steps
 * a backup kept are no later than the newest the team has (the team has each of them), and every
 * step taken after the restore is later. So no divergence point needs finding and no step the team
 * has is sent again. (A restore onto a machine whose clock runs behind the old one's also misorders
 * the local timeline itself; steps taken in that gap would not be told.) Each step also carries its
 * own time, which the team journal shows however late it arrives.
 */
export function createStateMirror(team: MirrorTeam, journal: SendJournal): StateMirror {
  /** Per send, where the team's copy ends (read from the team once, then moved here as steps land). */
  const told = new Map<string, Told>();
  /** Per send, the record last queued, so progress-only calls do not read the timeline. */
  const seen = new Map<string, string>();
  const key = (r: SendRecord) => `${r.state}/${r.recipients}/${r.excluded}/${r.updatedAt.getTime()}`;
  const pending = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const push = async (id: string) => {
    const found = await journal.findWithTimeline(id);
    if (!found) return;
    const { record, timeline } = found;
    // Not known to the team (sent before this workstation joined): nothing to tell. Claimed before
    // team migration 9: its steps were told the old way, up to the one before its newest.
    const mark = told.get(id) ?? { steps: timeline.length, at: null };
    const counts = { mailingId: record.mailingId, recipients: record.recipients, excluded: record.excluded };
    // Each step the team lacks in its own state, with the counts as they stand now.
    for (let n = 1; n <= timeline.length; n++) {
      const step = timeline[n - 1];
      const at = new Date(step.at);
      if (!pastTold(told.get(id) ?? mark, n, at.getTime())) continue;
      await team.recordState({ sendId: id, state: step.state, message: step.message, text: step.text, ...counts, step: n, at });
      told.set(id, { steps: n, at: at.getTime() });
    }
    const last = timeline.at(-1);
    // A send moved on without a step of its own (a poll): the state alone, no step; the team ignores a repeat.
    if (last && last.state !== record.state) await team.recordState({ sendId: id, state: record.state, ...counts });
  };
  const flush = () => {
    chain = chain.then(async () => {
      try {
        const unknown = [...pending].filter((id) => !told.has(id));
        if (unknown.length > 0) {
          const counts = await journal.stepCounts(unknown);
          for (const [id, t] of await team.toldSteps(unknown)) told.set(id, { steps: t.steps ?? Math.max(0, (counts.get(id) ?? 1) - 1), at: t.steps === null ? null : (t.at?.getTime() ?? null) });
          for (const id of unknown) if (!told.has(id)) told.set(id, { steps: counts.get(id) ?? 0, at: null });
        }
        for (const id of [...pending]) {
          await push(id);
          pending.delete(id);
        }
      } catch {
        // The database is away: keep the rest queued, in order (what landed is counted in `told`).
      }
    });
    return chain;
  };
  return {
    changed(record) {
      if (seen.get(record.id) === key(record)) return;
      seen.set(record.id, key(record));
      pending.add(record.id);
      void flush();
    },
    flush,
  };
}
