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

/**
 * The local journal stays this workstation's full record and is the outbox: the team database
 * keeps, per send, how many steps of its local timeline it has (`told_steps`, as the activity push
 * keeps its cursor in the team), so every step the team lacks is pushed in order with its position
 * (rows left out at upload as much as a new state), each written once even when told twice. A
 * step that cannot be told now (database away) waits, with the ones after it, for the next pass;
 * nothing needs marking locally. The team refuses what would move a send back (team-state-changes.ts).
 */
export function createStateMirror(team: MirrorTeam, journal: SendJournal): StateMirror {
  /** Per send, how many of its steps the team has (read from the team once, then counted here). */
  const told = new Map<string, number>();
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
    const from = told.get(id) ?? timeline.length;
    const counts = { mailingId: record.mailingId, recipients: record.recipients, excluded: record.excluded };
    // Each step in its own state, with the counts as they stand now.
    for (let n = from + 1; n <= timeline.length; n++) {
      const step = timeline[n - 1];
      await team.recordState({ sendId: id, state: step.state, message: step.message, text: step.text, ...counts, step: n });
      told.set(id, n);
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
          for (const [id, n] of await team.toldSteps(unknown)) told.set(id, n ?? Math.max(0, (counts.get(id) ?? 1) - 1));
          for (const id of unknown) if (!told.has(id)) told.set(id, counts.get(id) ?? 0);
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
