import type { SendClaims } from '../store/send-claims';
import type { SendJournal, SendRecord } from './send-journal';

/** Tells the team every state change of this workstation's sends, in order, until it landed. */
export interface StateMirror {
  /** Queues the record's state (progress-only changes with the same state cost nothing). */
  changed(record: SendRecord): void;
  /** Pushes what is still queued (each scheduler pass; after the team database was away). */
  flush(): Promise<void>;
}

/**
 * The local journal stays this workstation's full record; the team database learns each new
 * state, so a final state frees the source mailing for the whole team. A change that cannot be
 * told now (database away) stays queued and is told on the next pass, newest state wins.
 */
export function createStateMirror(claims: SendClaims, journal: SendJournal): StateMirror {
  /** Last state the team confirmed, per send. */
  const told = new Map<string, string>();
  const pending = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const push = async (id: string) => {
    const record = await journal.find(id);
    if (!record) return pending.delete(id);
    if (told.get(id) === record.state) return pending.delete(id);
    const last = (await journal.timeline(id)).at(-1);
    await claims.recordState({ sendId: id, state: record.state, message: last?.message, text: last?.text, mailingId: record.mailingId });
    told.set(id, record.state);
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
      if (told.get(record.id) === record.state) return;
      pending.add(record.id);
      void flush();
    },
    flush,
  };
}
