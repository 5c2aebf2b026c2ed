import { AllCommunityModule, ModuleRegistry, type ColDef, type IDatasource, type IGetRowsParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { GridColumn, GridRequest, GridRow } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { offerHostFile } from '../../api/files';
import { plural } from '../../components/format';
import { gridTheme } from '../../components/grid-theme';
import { HostFileLink } from '../../components/host-file-link';
import { ProgressLine } from './progress-line';
import { VIEW_CHOICES, viewLabel, type GridViewName } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';

ModuleRegistry.registerModules([AllCommunityModule]);

type Column = GridColumn;
type Row = GridRow;
type Scope = NonNullable<GridRequest['scope']>;

const TEXT_OPTIONS = ['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank'];
// IDs are 64-bit and travel as text: a number filter would round them in the browser.
const ID_OPTIONS = ['equals', 'notEqual', 'startsWith', 'contains', 'blank', 'notBlank'];

/** Shown first in every view that has them: who and when, the columns operators read first. */
const LEADING = ['created', 'user_id'];

/**
 * Grid column definitions from the service's column list: filter and width by type. Time and
 * recipient lead and IDs are narrow, so both are visible without scrolling sideways.
 */
function columnDefs(columns: readonly Column[]): ColDef<Row>[] {
  const ordered = [...columns.filter((c) => LEADING.includes(c.colId)).sort((a, b) => LEADING.indexOf(a.colId) - LEADING.indexOf(b.colId)), ...columns.filter((c) => !LEADING.includes(c.colId))];
  return ordered.map((c): ColDef<Row> => {
    const base: ColDef<Row> = { colId: c.colId, field: c.colId, headerName: c.title, sortable: true, resizable: true };
    switch (c.type) {
      case 'number':
        return { ...base, filter: 'agNumberColumnFilter', type: 'numericColumn', width: 120 };
      case 'date':
        // A text box in the grids' own date form (YYYY-MM-DD), not the browser's locale date picker.
        return { ...base, filter: 'agDateColumnFilter', width: 180, filterParams: { debounceMs: 400, browserDatePicker: false } };
      case 'id':
        return { ...base, filter: 'agTextColumnFilter', width: 125, cellClass: 'mono', filterParams: { filterOptions: ID_OPTIONS, debounceMs: 400, maxNumConditions: 1 } };
      default:
        return { ...base, filter: 'agTextColumnFilter', flex: 1, minWidth: c.colId === 'url' ? 200 : c.colId === 'user_id' ? 220 : 130, filterParams: { filterOptions: TEXT_OPTIONS, debounceMs: 400 } };
    }
  });
}

/** The grid's current sort, in the order the operator applied it. */
function currentSort(grid: AgGridReact<Row> | null): { colId: string; sort: 'asc' | 'desc' }[] {
  const state = grid?.api?.getColumnState() ?? [];
  return state
    .filter((c) => c.sort === 'asc' || c.sort === 'desc')
    .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
    .map((c) => ({ colId: c.colId, sort: c.sort as 'asc' | 'desc' }));
}

/**
 * Browse data: pick a table or joined view, sort and filter in the column headers (done in
 * the database, so millions of rows stay quick), and export exactly what is shown to Excel.
 */
export function ResponseGrid(props: { initialView?: GridViewName; initialMailingId?: string }) {
  const api = useApi();
  const id = useId();
  const [view, setView] = useState<GridViewName>(props.initialView ?? 'clicks_with_links');
  const [mailingInput, setMailingInput] = useState(props.initialMailingId ?? '');
  const [emailInput, setEmailInput] = useState('');
  const [userId, setUserId] = useState('');
  const [rowCount, setRowCount] = useState<number | null>(null);
  const [queryError, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const gridRef = useRef<AgGridReact<Row>>(null);

  const mailingId = /^\d{1,19}$/.test(mailingInput.trim()) ? mailingInput.trim() : undefined;
  const mailingInvalid = mailingInput.trim() !== '' && !mailingId;
  const needsUser = view === 'recipient_journey';
  const scope = useMemo<Scope>(() => ({ ...(mailingId ? { mailingId } : {}), ...(needsUser && userId ? { userId } : {}) }), [mailingId, needsUser, userId]);
  const ready = !needsUser || Boolean(userId);

  // Another view makes another `load`, so its columns start empty and load afresh.
  const loadColumns = useCallback(async () => api.responses.columns({ view }), [api, view]);
  const { value: columns, error: columnsError } = useLoad<readonly Column[]>(loadColumns);
  const error = queryError ?? columnsError?.message ?? null;
  const chooseView = (next: GridViewName) => {
    setView(next);
    setRowCount(null);
    setExported(null);
  };

  const defs = useMemo(() => (columns ? columnDefs(columns) : []), [columns]);

  // A new datasource object makes the grid start again from the first block.
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        void api.responses
          .query({
            view,
            startRow: params.startRow,
            endRow: params.endRow,
            sortModel: params.sortModel.map((s) => ({ colId: s.colId, sort: s.sort })),
            filterModel: params.filterModel,
            scope,
          })
          .then((r) => {
            if (r.ok) {
              setError(null);
              setRowCount(r.value.lastRow);
              params.successCallback(r.value.rows, r.value.lastRow ?? undefined);
            } else {
              setError(r.error.message);
              params.failCallback();
            }
          });
      },
    }),
    [api, view, scope],
  );

  const exportToExcel = async () => {
    setExporting(true);
    setExportError(null);
    setExported(null);
    try {
      const r = await api.responses.exportView({
        view,
        sortModel: currentSort(gridRef.current),
        filterModel: gridRef.current?.api?.getFilterModel() ?? {},
        scope,
      });
      if (r.ok) {
        setExported({ path: r.value.path, rows: r.value.rows });
        // Written and offered in one step: no second click for the download.
        await offerHostFile(r.value.path);
      } else setExportError(r.error.message);
    } finally {
      setExporting(false);
    }
  };

  const explain = VIEW_CHOICES.find((v) => v.view === view)?.explain;
  return (
    <section aria-label="Browse response data">
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor={`${id}-view`}>View</label>
          <select id={`${id}-view`} value={view} onChange={(e) => chooseView(e.target.value as GridViewName)}>
            {VIEW_CHOICES.map((v) => (
              <option key={v.view} value={v.view}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-mailing`}>Limit to mailing ID</label>
          <input
            id={`${id}-mailing`}
            inputMode="numeric"
            value={mailingInput}
            placeholder="all mailings"
            aria-invalid={mailingInvalid || undefined}
            aria-describedby={mailingInvalid ? `${id}-mailing-error` : undefined}
            onChange={(e) => setMailingInput(e.target.value)}
          />
        </div>
        {needsUser && (
          <form
            className="toolbar-form"
            aria-label="Recipient"
            onSubmit={(e) => {
              e.preventDefault();
              setUserId(emailInput.trim());
            }}
          >
            <div className="field inline">
              <label htmlFor={`${id}-email`}>E-mail address</label>
              <input id={`${id}-email`} type="search" value={emailInput} placeholder="name@example.com" onChange={(e) => setEmailInput(e.target.value)} />
            </div>
            <button type="submit" className="button" disabled={!emailInput.trim()}>
              Show journey
            </button>
          </form>
        )}
        <p className="muted small toolbar-count" role="status" aria-live="polite" data-testid="row-count">
          {!ready ? '' : rowCount === null ? 'Loading…' : plural(rowCount, 'row')}
        </p>
        <button type="button" className="button" onClick={() => void exportToExcel()} disabled={!ready || exporting || !columns}>
          {exporting ? 'Exporting…' : 'Export to Excel'}
        </button>
      </div>
      {explain && <p className="hint">{explain} Sort by clicking a column header; filter in the boxes under the headers.</p>}
      {mailingInvalid && (
        <p className="field-error" id={`${id}-mailing-error`}>
          A mailing ID has digits only. Leave the box empty to see every mailing.
        </p>
      )}
      <ProgressLine task="export" active={exporting} label="Export progress" />
      <ErrorCallout message={exportError} />
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>
            Exported {plural(exported.rows, 'row')} of “{viewLabel(view)}”, sorted and filtered as shown.
          </p>
          <HostFileLink path={exported.path} label="Download it again" />
        </div>
      )}
      <ErrorCallout message={error} />
      {!ready ? (
        <p className="note">Enter an e-mail address and press “Show journey” to see everything that happened to it.</p>
      ) : (
        columns && (
          <div className="grid-host response-grid" role="region" aria-label={`${viewLabel(view)} grid`}>
            <AgGridReact<Row>
              key={`${view}`}
              ref={gridRef}
              theme={gridTheme}
              rowModelType="infinite"
              datasource={datasource}
              cacheBlockSize={100}
              maxBlocksInCache={50}
              columnDefs={defs}
              defaultColDef={{ floatingFilter: true, suppressHeaderMenuButton: false }}
              overlayNoRowsTemplate="No rows. Pull responses first, or loosen the filters."
              enableCellTextSelection
            />
          </div>
        )
      )}
    </section>
  );
}
