import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isAppError } from '../../../shared/contract/result';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';
import type { ClientConfig } from '../../../shared/contract/profiles';
import type { PulledFile } from '../../../shared/contract/responses';
import type { SftpSession } from '../sftp';
import type { Database } from '../store/database';
import { ingestFile, listResponseFiles } from './ingest';
import { downloadSettled } from './response-pull-settle';
import { DEFAULT_RESPONSE_FILE_NAMES, responseFileNameMatcher } from '../../../shared/contract/response-file-names';
import { RESPONSE_KIND_NAMES } from './response-kinds';

export type { PulledFile } from '../../../shared/contract/responses';

/** Ingest order within a day: mailings first, so a report never shows events without their mailing. */
const KIND_ORDER = new Map(RESPONSE_KIND_NAMES.map((k, i) => [k, i]));

/** The response files in a listing whose names fit the client's pattern, oldest day first, with their kind. */
export function responseFilesIn(names: readonly { name: string; size: number; modifyTime: number }[], pattern: string = DEFAULT_RESPONSE_FILE_NAMES) {
  const recognise = responseFileNameMatcher(pattern);
  return names
    .map((e) => ({ ...e, match: recognise(e.name) }))
    .filter((e) => e.match)
    .map((e) => ({ name: e.name, size: e.size, mtime: new Date(e.modifyTime), day: e.match!.day, kind: e.match!.kind, part: e.match!.part ?? 0 }))
    .sort((a, b) => a.day.localeCompare(b.day) || KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)! || a.part - b.part);
}

/**
 * Pulls one client's response directory: a file already ingested with the same size and
 * modification time is not even downloaded; every other file is downloaded completely
 * (the SFTP layer writes `.part` and renames), checked against the server once more and
 * downloaded again at once while the server is still changing it (response-pull-settle.ts),
 * and then ingested in one transaction, so a cut download, a file replaced mid-download or a
 * broken file never leaves half its rows. One bad file does not stop the others; it is
 * retried on the next pull.
 */
export async function pullClient(args: {
  db: Database;
  session: SftpSession;
  profile: string;
  client: ClientConfig;
  downloadDir: string;
  onFile?: (file: PulledFile, index: number, total: number) => void;
}): Promise<PulledFile[]> {
  const { db, session, profile, client } = args;
  const listing = await session.list(client.responseDir);
  const files = responseFilesIn(listing.filter((e) => e.type === '-'), client.responseFileNames);
  const ledger = new Map((await listResponseFiles(db, { profile, client: client.name })).map((f) => [f.name, f]));
  const dir = responseDownloadDir(args.downloadDir, profile, client.name);
  await mkdir(dir, { recursive: true });
  // Downloads cut by a crash leave `.part` files; one process owns the data dir, so none is in use now.
  // The same for the UTF-8 copies an ingest makes of files in another encoding.
  for (const name of await readdir(dir)) if (name.endsWith('.part') || name.endsWith('.utf8')) await rm(join(dir, name), { force: true });
  const results: PulledFile[] = [];
  for (const [index, file] of files.entries()) {
    const known = ledger.get(file.name);
    let result: PulledFile;
    if (known && known.status === 'ingested' && known.size === file.size && known.mtime.getTime() === file.mtime.getTime() && !known.error) {
      result = { client: client.name, name: file.name, kind: file.kind, outcome: 'skipped', rows: known.rows, ...said('responses.pulled.unchanged') };
    } else {
      const local = join(dir, file.name);
      try {
        const download = await downloadSettled(session, posix.join(client.responseDir, file.name), local, { size: file.size, mtime: file.mtime.getTime() });
        if (download.settled) {
          // The ledger records the version that was read in, which may be newer than the listing's.
          const { size, mtime } = download.version;
          const ingested = await ingestFile(db, { profile, client: client.name, kind: file.kind, localPath: local, remoteName: file.name, size, mtime: new Date(mtime), dialect: client.responseDialect });
          result = {
            client: client.name,
            name: file.name,
            kind: file.kind,
            outcome: ingested.outcome,
            rows: ingested.rows,
            ...(ingested.outcome === 'replaced'
              ? said('responses.pulled.replaced', { rows: ingested.rows })
              : ingested.outcome === 'skipped'
                ? said('responses.pulled.sameContent')
                : said('responses.pulled.ingested', { rows: ingested.rows })),
          };
        } else {
          // Still changing after every try: nothing of it was read in (no rows, no ledger entry); the next pull tries again.
          const reason = said('responses.pulled.keptChanging', { tries: download.attempts });
          result = { client: client.name, name: file.name, kind: file.kind, outcome: 'rejected', rows: 0, message: `${reason.message} ${retrySentence()}`, text: reason.text };
        }
      } catch (e) {
        if (!isAppError(e) && !(e instanceof Error)) throw e;
        // The reason is the error's own sentence; the client adds "It will be tried again on the next pull."
        const text: CatalogText | undefined = isAppError(e) && e.messageId ? { id: e.messageId, values: { ...e.values } } : undefined;
        const message = `${e.message} ${retrySentence()}`;
        result = { client: client.name, name: file.name, kind: file.kind, outcome: 'rejected', rows: 0, message, ...(text ? { text } : { code: isAppError(e) ? e.code : 'INTERNAL' }) };
      }
    }
    results.push(result);
    args.onFile?.(result, index, files.length);
  }
  return results;
}

/** "It will be tried again on the next pull.", in English: ends a rejected file's message. */
function retrySentence(): string {
  return appIntl('en').formatMessage({ id: 'responses.pulled.retry' });
}

/** A pulled file's sentence: English for logs and `--json`, key and values for clients. */
function said(id: MessageId, values: MessageValues = {}): { message: string; text: CatalogText } {
  return { message: appIntl('en').formatMessage({ id }, values), text: { id, values: { ...values } } };
}

/** Where a pull keeps one profile's and client's downloaded response files below `downloadDir`. */
export function responseDownloadDir(downloadDir: string, profile: string, client: string): string {
  return join(downloadDir, safeSegment(profile), safeSegment(client));
}

function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || '_';
}
