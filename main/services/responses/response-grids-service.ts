import type { Database } from '../store/database';
import { gridColumns, gridCount, queryRows, type GridViewName } from './grid-query';
import type { ListResponseMailings } from './response-mailings';
import type { ResponsesPart } from './responses-service';

/** The response grids: the columns of each view, one block of rows, and the mailings list tied to sends. */
export function createResponseGridsService(deps: { readonly db: Database; readonly mailings: ListResponseMailings }): ResponsesPart<'columns' | 'query' | 'count' | 'mailings'> {
  return {
    async columns({ view }) {
      return gridColumns(view as GridViewName).map((c) => ({ ...c }));
    },
    async query(request) {
      const result = await queryRows(deps.db, { ...request, view: request.view as GridViewName });
      return { rows: result.rows.map((r) => ({ ...r })), lastRow: result.lastRow };
    },
    async count(request) {
      return { rows: await gridCount(deps.db, { ...request, view: request.view as GridViewName }) };
    },
    mailings: () => deps.mailings(),
  };
}
