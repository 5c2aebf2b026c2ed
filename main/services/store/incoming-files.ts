import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database';

/**
 * Folder of the data dir where the browser host stores the spreadsheets an operator drops
 * (one random sub-folder per upload). The Electron app and the CLI read files where they are,
 * so only the browser host writes here; every copy is a full recipient list.
 */
export const INCOMING_DIR = 'incoming';

/**
 * How long an upload no send has finished with is kept: the New send screen holds it as a draft
 * (test sends first, then the real send, or "Correct and send again" the next morning). A draft
 * left longer is dropped again.
 */
export const DRAFT_KEEP_MS = 24 * 3_600_000;

/** States in which a send may still need its input file: it may yet end in an error to correct. */
const ACTIVE_STATES = ['scheduled', 'queued', 'uploading', 'on_server', 'taken', 'imported', 'mailing_created', 'sending'];

interface SendRef {
  input_file: string;
  draft_json: string;
  state: string;
  test: boolean;
}

/**
 * Removes the browser host's uploads that nothing needs any more, and returns how many.
 *
 * An upload is needed while a send made from it (as recipient list or catalog) can still end
 * in an error, or sits in `error` (the Sends screen offers "Correct and send again" with it).
 * Once a real send from it is `sent`, the draft is done: the sent rows live on in the send
 * archive. An upload no real send has finished with (a draft, test sends only, a cancelled
 * send) is kept {@link DRAFT_KEEP_MS} after it arrived. With a retention `cutoff`, an upload
 * that arrived before it goes whatever its sends say, unless one is still active.
 */
export async function removeUnneededIncoming(db: Database, dataDir: string, options: { readonly now?: Date; readonly cutoff?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const root = join(dataDir, INCOMING_DIR);
  let folders: string[];
  try {
    folders = await readdir(root);
  } catch {
    return 0;
  }
  if (folders.length === 0) return 0;
  const sends = await db.all<SendRef>('SELECT input_file, draft_json, state, test FROM sends');
  let removed = 0;
  for (const folder of folders) {
    const dir = join(root, folder);
    const files = await readdir(dir).catch(() => [] as string[]);
    const refs = sends.filter((s) => files.some((f) => s.input_file === join(dir, f) || s.draft_json.includes(JSON.stringify(join(dir, f)))));
    if (refs.some((s) => ACTIVE_STATES.includes(s.state))) continue;
    const arrived = (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0;
    const expired = options.cutoff !== undefined && arrived < options.cutoff.getTime();
    const correctable = refs.some((s) => s.state === 'error');
    const done = refs.some((s) => s.state === 'sent' && !s.test);
    if (expired || (!correctable && (done || now.getTime() - arrived >= DRAFT_KEEP_MS))) {
      await rm(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
