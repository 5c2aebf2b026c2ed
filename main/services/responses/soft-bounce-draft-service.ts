import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/result';
import type { ProfilesService } from '../profiles/profiles-service';
import { formatClosedLoopLine } from '../csv-line';
import { isEmailField, isSourceMailingField, isWaveField } from '../recipients/mapping';
import { openSpreadsheet } from '../recipients/spreadsheet';
import { openArchived } from '../sends/send-archive';
import type { SendJournal } from '../sends/send-journal';
import type { Database } from '../store/database';
import { forEachArchivedRow } from './archived-rows';
import { newOutputPath } from './output-files';
import type { ListResponseMailings } from './response-mailings';
import type { ResponsesPart } from './responses-service';
import { softBouncedRecipients } from './suppression';

/** What building resend drafts needs. */
export interface SoftBounceDraftDeps {
  readonly db: Database;
  readonly dataDir: string;
  readonly profiles: ProfilesService;
  readonly journal: SendJournal;
  readonly mailings: ListResponseMailings;
  /** Decrypts the send archive when it is encrypted (data at rest). */
  readonly dataKey?: Buffer;
}

/**
 * Soft-bounce resend drafts: the archived rows of a mailing's send whose addresses
 * soft-bounced (and are not suppressed since), as a spreadsheet in `<dataDir>/drafts` that the
 * operator sends like any other.
 */
export function createSoftBounceDraftService(deps: SoftBounceDraftDeps): ResponsesPart<'softBounceDraft'> {
  return {
    async softBounceDraft({ mailingId }) {
      const origin = (await deps.mailings()).find((m) => m.mailingId === mailingId);
      if (!origin?.sendId) {
        throw new AppError('NOT_FOUND', 'error.responses.notOurSend', { mailingId });
      }
      const send = await deps.journal.get(origin.sendId);
      const client = deps.profiles.stored(send.profile).clients.find((c) => c.name === send.client);
      if (!client) throw new AppError('NOT_FOUND', 'error.responses.clientGone', { client: send.client, send: send.id, profile: send.profile });
      const bounced = new Map((await softBouncedRecipients(deps.db, { mailingId })).map((r) => [r.userId.trim().toLowerCase(), r]));
      if (bounced.size === 0) throw new AppError('NOT_FOUND', 'error.responses.noSoftBounces', { mailingId });
      const emailIndex = client.fields.findIndex((f) => isEmailField(f.name));
      const keep = client.fields.map((f, i) => ({ f, i })).filter(({ f }) => !isSourceMailingField(f.name) && !isWaveField(f.name));
      const archived = join(send.archiveDir, `${send.fileName}.gz`);
      const rows: string[][] = [];
      const found = new Set<string>();
      // In the client's encoding: the archive holds the file exactly as it was uploaded.
      await forEachArchivedRow(openArchived(archived, deps.dataKey), client.encoding, (data) => {
        const email = (data[emailIndex] ?? '').trim().toLowerCase();
        if (bounced.has(email) && !found.has(email)) {
          found.add(email);
          rows.push(keep.map(({ i }) => data[i] ?? ''));
        }
      }).catch((e) => {
        if (e instanceof AppError) throw e;
        throw new AppError('NOT_FOUND', 'error.responses.archiveUnreadable', { send: send.id, reason: (e as Error).message });
      });
      const path = await newOutputPath(deps.dataDir, 'drafts', `soft-bounces-${mailingId}`, 'csv');
      const text = [keep.map(({ f }) => f.name), ...rows].map(formatClosedLoopLine).join('');
      await writeFile(`${path}.tmp`, text);
      await rename(`${path}.tmp`, path);
      // The draft is read like any spreadsheet: make sure it opens.
      await (await openSpreadsheet(path)).close();
      return { path, recipients: rows.length, left: bounced.size - found.size, profile: send.profile, client: send.client, sourceMailingId: send.sourceMailingId };
    },
  };
}
