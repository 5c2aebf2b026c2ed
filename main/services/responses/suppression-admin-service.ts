import { basename } from 'node:path';
import { AppError } from '../../../shared/contract/result';
import type { LogActivity } from '../activity/activity-service';
import { isEmailField } from '../recipients/mapping';
import { openSpreadsheet } from '../recipients/spreadsheet';
import type { Database } from '../store/database';
import { SuppressionAdmin } from '../suppression/suppression-list';
import { newOutputPath } from './output-files';
import type { ResponsesPart } from './responses-service';

/** What the suppression list's screen needs. */
export interface SuppressionAdminDeps {
  readonly db: Database;
  readonly dataDir: string;
  readonly log: LogActivity;
  /** Called after the list changed here (team mode pushes the change right away). */
  readonly changed?: () => void;
}

/**
 * The operator's side of the suppression list: browse, remove with a reason, import a file of
 * addresses, export the list. Pulls add to it automatically (response-pull-service).
 * It lives with the responses because it reads spreadsheets (recipients), which the
 * suppression list itself sits below.
 */
export function createSuppressionAdminService(deps: SuppressionAdminDeps): ResponsesPart<'suppressionList' | 'suppressionRemove' | 'suppressionImport' | 'suppressionExport'> {
  const suppression = new SuppressionAdmin(deps.db);
  return {
    async suppressionList(args) {
      return suppression.list(args);
    },
    async suppressionRemove({ email, reason }) {
      const removed = await suppression.remove(email, reason);
      if (removed) deps.changed?.();
      if (removed) await deps.log({ level: 'warn', kind: 'suppression', profile: null, messageId: 'responses.activity.suppressionRemoved', values: { email }, details: reason });
      return { removed };
    },
    async suppressionImport({ path, reason }) {
      const sheet = await openSpreadsheet(path);
      const column = sheet.headers.findIndex((h) => isEmailField(h));
      if (column < 0) {
        await sheet.close();
        throw new AppError('VALIDATION_FAILED', 'error.responses.noEmailColumn', { file: basename(path), headers: sheet.headers.join(', ') });
      }
      const entries: { email: string; reason: string; source: string }[] = [];
      let skipped = 0;
      for await (const row of sheet.rows()) {
        const email = (row.values[column] ?? '').trim();
        if (email.includes('@')) entries.push({ email, reason, source: `import ${basename(path)}` });
        else skipped++;
      }
      const added = await suppression.add(entries);
      if (added > 0) deps.changed?.();
      await deps.log({ level: 'info', kind: 'suppression', profile: null, messageId: 'responses.activity.suppressionImported', values: { count: added, file: basename(path) } });
      return { added, skipped: skipped + (entries.length - added) };
    },
    async suppressionExport() {
      const path = await newOutputPath(deps.dataDir, 'exports', 'suppression', 'csv');
      return { path, rows: await suppression.exportCsv(path) };
    },
  };
}
