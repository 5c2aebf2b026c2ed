import type { SendClaims } from '../store/send-claims';
import type { SendJournal, SendRecord } from './send-journal';

/** Tells the team every state change of this workstation's sends, in order, until it landed. */
export interface StateMirror {
  /** Queues the record's state and counts (progress-only changes cost nothing). */
  changed(record: SendRecord): void;
  /** Pushes what is still queued (each scheduler pass; after the team database was away). */
  flush(): Promise<void>;
}

/**
 * The local journal stays this workstation's full record; the team database learns each new
 * state, so a final state frees the source mailing for the whole team. A change that cannot be
 * told now (database away) stays queued and is told on the next pass, newest state wins. A
 * change of the counts within a state (rows left out right before the upload) is told the same
 * way, with the step that says so.
 */
export function createStateMirror(claims: SendClaims, journal: SendJournal): StateMirror {
  /** Last state and counts the team confirmed, per send. */
  const told = new Map<string, string>();
  const key = (r: SendRecord) => `${r.state}/${r.recipients}/${r.excluded}`;
  const pending = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const push = async (id: string) => {
    const record = await journal.find(id);
    if (!record) return pending.delete(id);
    if (told.get(id) === key(record)) return pending.delete(id);
    const last = (await journal.timeline(id)).at(-1);
    await claims.recordState({ sendId: id, state: record.state, message: last?.message, text: last?.text, mailingId: record.mailingId, recipients: record.recipients, excluded: record.excluded });
    told.set(id, key(record));
    pending.delete(id);
  };
  const flush = () => {
    chain = chain.then(async () => {
      for (const id of [...pending]) {
        try {
          await push(id);
        } catch {
          return; // the database is away: keep the rest queued, in order
        }
      }
    });
    return chain;
  };
  return {
    changed(record) {
      if (told.get(record.id) === key(record)) return;
      pending.add(record.id);
      void flush();
    },
    flush,
  };
}
