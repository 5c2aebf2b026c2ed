import { appIntl } from '../../../shared/i18n/intl';
import type { EventBus } from '../../core/event-bus';
import type { LogActivity } from '../activity/activity-service';
import type { Database } from '../store/database';
import { exportMailingReport, exportRows, type ExportProgress } from './excel-export';
import type { GridViewName } from './grid-query';
import { newOutputPath } from './output-files';
import type { ResponsesPart } from './responses-service';

/** What writing Excel files needs. */
export interface ResponseExportDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly dataDir: string;
  readonly log: LogActivity;
}

/** Excel files into `<dataDir>/exports`: a grid view as filtered, or the full report of a mailing. */
export function createResponseExportService(deps: ResponseExportDeps): ResponsesPart<'exportView' | 'exportReport'> {
  const onProgress = (p: ExportProgress) => {
    const values = { sheet: p.sheet, done: p.rowsWritten, total: p.totalRows };
    deps.bus.emit('responses.onProgress', { task: 'export', done: p.rowsWritten, total: p.totalRows, message: appIntl('en').formatMessage({ id: 'responses.progress.export' }, values), text: { id: 'responses.progress.export', values } });
  };
  return {
    async exportView(request) {
      const outPath = await newOutputPath(deps.dataDir, 'exports', request.view, 'xlsx');
      const { language, ...query } = request;
      const result = await exportRows(deps.db, { query: { ...query, view: query.view as GridViewName }, outPath, language, onProgress });
      await deps.log({ level: 'info', kind: 'export', profile: null, messageId: 'responses.activity.exportedView', values: { rows: result.rows, view: request.view, path: result.outPath } });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
    async exportReport({ mailingId, language }) {
      const outPath = await newOutputPath(deps.dataDir, 'exports', `mailing-${mailingId}-report`, 'xlsx');
      const result = await exportMailingReport(deps.db, { mailingId, outPath, language, onProgress });
      await deps.log({ level: 'info', kind: 'export', profile: null, messageId: 'responses.activity.wroteReport', values: { mailingId, path: result.outPath } });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
  };
}
