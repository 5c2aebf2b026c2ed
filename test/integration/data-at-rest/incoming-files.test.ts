import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { SendJournal, type SendRecord } from '../../../main/services/sends/send-journal';
import { Database } from '../../../main/services/store/database';
import { DRAFT_KEEP_MS, removeUnneededIncoming } from '../../../main/services/store/incoming-files';
import { tempDir } from '../../helpers/temp-dir';

const dirs: ReturnType<typeof tempDir>[] = [];
const dbs: Database[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  dirs.splice(0).forEach((d) => d.cleanup());
});

/** A send made from `input`, in `state`. */
function send(id: string, input: string, state: SendRecord['state'], test: boolean): SendRecord {
  const at = new Date();
  return {
    id, profile: 'p', client: 'c', sourceMailingId: '1', sourceMailingName: 'N', waveId: 'w', test, state,
    scheduledAt: at, createdAt: at, updatedAt: at, inputFile: input, draftJson: JSON.stringify({ path: input }),
    recipients: 1, excluded: 0, fileName: 'f.csv', productsFileName: null, workDir: '/w', archiveDir: '/a', uploadDir: '/u', logDir: '/l',
    uploadAttempts: 0, namesFinal: true, mailingId: null, error: null, serverHalted: false, lastCheckedAt: null,
  };
}

describe('spreadsheets the browser host received', () => {
  it('go when their real send is sent or a draft is a day old; an active or failed send keeps its file', async () => {
    const d = tempDir('loopdesk-incoming-');
    dirs.push(d);
    const db = await Database.open(join(d.path, 'loopdesk.duckdb'), ALL_MIGRATIONS);
    dbs.push(db);
    const journal = new SendJournal(db);
    const now = new Date();
    const upload = (name: string, ageMs = 0) => {
      const dir = join(d.path, 'incoming', name);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'list.csv');
      writeFileSync(file, 'Email\nanna@example.com\n');
      const at = new Date(now.getTime() - ageMs);
      utimesSync(dir, at, at);
      return file;
    };
    const sent = upload('sent');
    const testOnly = upload('test-only');
    const testOnlyOld = upload('test-only-old', DRAFT_KEEP_MS + 60_000);
    const failedOld = upload('failed-old', 3 * DRAFT_KEEP_MS);
    const queuedOld = upload('queued-old', 3 * DRAFT_KEEP_MS);
    const draft = upload('draft');
    const draftOld = upload('draft-old', DRAFT_KEEP_MS + 60_000);
    await journal.insert(send('s1', sent, 'sent', false), 'x');
    await journal.insert(send('s2', testOnly, 'sent', true), 'x');
    await journal.insert(send('s3', testOnlyOld, 'sent', true), 'x');
    await journal.insert(send('s4', failedOld, 'error', false), 'x');
    await journal.insert(send('s5', queuedOld, 'queued', false), 'x');

    expect(await removeUnneededIncoming(db, d.path, { now })).toBe(3);
    expect(existsSync(sent), 'the real send is sent').toBe(false);
    expect(existsSync(testOnlyOld), 'test sends only, a day old').toBe(false);
    expect(existsSync(draftOld), 'a draft nobody sent, a day old').toBe(false);
    expect(existsSync(testOnly), 'test sends only, today: the real send may follow').toBe(true);
    expect(existsSync(failedOld), 'a failed send offers "Correct and send again"').toBe(true);
    expect(existsSync(queuedOld), 'a send still under way may fail yet').toBe(true);
    expect(existsSync(draft), 'a draft of today').toBe(true);

    // Retention's cut-off takes even the failed send's file; never an active send's.
    expect(await removeUnneededIncoming(db, d.path, { now, cutoff: new Date(now.getTime() - DRAFT_KEEP_MS) })).toBe(1);
    expect(existsSync(failedOld)).toBe(false);
    expect(existsSync(queuedOld)).toBe(true);
  });
});
