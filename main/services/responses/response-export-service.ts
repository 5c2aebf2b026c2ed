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
  const onProgress = (p: ExportProgress) => deps.bus.emit('responses.onProgress', { task: 'export', done: p.rowsWritten, total: p.totalRows, message: `${p.sheet}: ${p.rowsWritten} of ${p.totalRows} rows` });
  return {
    async exportView(request) {
      const outPath = await newOutputPath(deps.dataDir, 'exports', request.view, 'xlsx');
      const result = await exportRows(deps.db, { query: { ...request, view: request.view as GridViewName }, outPath, onProgress });
      await deps.log({ level: 'info', kind: 'export', profile: null, message: `Exported ${result.rows} rows of ${request.view} to ${result.outPath}` });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
    async exportReport({ mailingId }) {
      const outPath = await newOutputPath(deps.dataDir, 'exports', `mailing-${mailingId}-report`, 'xlsx');
      const result = await exportMailingReport(deps.db, { mailingId, outPath, onProgress });
      await deps.log({ level: 'info', kind: 'export', profile: null, message: `Wrote the report of mailing ${mailingId} to ${result.outPath}` });
      return { path: result.outPath, rows: result.rows, sheets: [...result.sheets] };
    },
  };
}
