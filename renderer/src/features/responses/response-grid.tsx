import { AllCommunityModule, ModuleRegistry, type ColDef, type IDatasource, type IGetRowsParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { FilterModel, GridColumn, GridRequest, GridRow } from '../../../../shared/contract/responses';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { EN_MESSAGES, type MessageId } from '../../../../shared/i18n/messages';
import { useApi } from '../../api/api-context';
import { offerHostFile } from '../../api/files';
import { gridLocaleText } from '../../components/grid-locale';
import { gridTheme } from '../../components/grid-theme';
import { HostFileLink } from '../../components/host-file-link';
import { useLanguage } from '../../i18n/language-provider';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { localeDateInput } from './locale-date-input';
import { ProgressLine } from './progress-line';
import { VIEW_CHOICES, viewLabelId, wallClock, type GridViewName } from './response-text';
import { filterOnStoredValues, VALUE_TEXT } from './value-words';
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

/** A column's title in the reader's language: the service sends its catalog key (its English title where the key is unknown here). */
function columnTitle(t: I18n['t'], c: Column): string {
  return c.titleId in EN_MESSAGES ? t(c.titleId as MessageId) : c.title;
}

/**
 * Grid column definitions from the service's column list: filter and width by type. Time and
 * recipient lead and IDs are narrow, so both are visible without scrolling sideways. Titles,
 * times and computed words are in the reader's language.
 */
function columnDefs(columns: readonly Column[], i18n: Pick<I18n, 't' | 'fmt'>): ColDef<Row>[] {
  const { t, fmt } = i18n;
  const ordered = [...columns.filter((c) => LEADING.includes(c.colId)).sort((a, b) => LEADING.indexOf(a.colId) - LEADING.indexOf(b.colId)), ...columns.filter((c) => !LEADING.includes(c.colId))];
  return ordered.map((c): ColDef<Row> => {
    const base: ColDef<Row> = { colId: c.colId, field: c.colId, headerName: columnTitle(t, c), sortable: true, resizable: true };
    const words = VALUE_TEXT[c.colId];
    switch (c.type) {
      case 'number':
        return { ...base, filter: 'agNumberColumnFilter', type: 'numericColumn', width: 120, valueFormatter: (p) => (typeof p.value === 'number' ? fmt.number(p.value) : String(p.value ?? '')) };
      case 'date':
        // Times as the reader writes them (server wall clock, never shifted); the filter takes a day in the same form (see locale-date-input.ts).
        return {
          ...base,
          filter: 'agDateColumnFilter',
          width: 180,
          filterParams: { debounceMs: 400 },
          valueFormatter: (p) => (typeof p.value === 'string' ? fmt.dateTime(wallClock(p.value) ?? p.value, { seconds: true }) : ''),
        };
      case 'id':
        return { ...base, filter: 'agTextColumnFilter', width: 150, cellClass: 'mono', filterParams: { filterOptions: ID_OPTIONS, debounceMs: 400, maxNumConditions: 1 } };
      default:
        return {
          ...base,
          filter: 'agTextColumnFilter',
          flex: 1,
          minWidth: c.colId === 'url' ? 200 : c.colId === 'user_id' ? 220 : 130,
          filterParams: { filterOptions: TEXT_OPTIONS, debounceMs: 400 },
          ...(words ? { valueFormatter: (p: { value: unknown }) => (typeof p.value === 'string' && words[p.value] ? t(words[p.value]!) : String(p.value ?? '')) } : {}),
        };
    }
  });
}

interface NoRowsProps {
  readonly text: string;
  readonly pullLabel: string;
  readonly onPull?: () => void;
}

/** The grid without rows: why, and the pull that fills it (the same as "Pull now" above the tabs). */
function NoRows(props: NoRowsProps) {
  return (
    <div className="grid-no-rows">
      <p>{props.text}</p>
      {props.onPull && (
        <button type="button" className="button primary" onClick={props.onPull}>
          {props.pullLabel}
        </button>
      )}
    </div>
  );
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
export function ResponseGrid(props: { initialView?: GridViewName; initialMailingId?: string; onPull?: () => void }) {
  const api = useApi();
  const i18n = useI18n();
  const { t, fmt, errorMessage, locale } = i18n;
  const { language } = useLanguage();
  const id = useId();
  const [view, setView] = useState<GridViewName>(props.initialView ?? 'clicks_with_links');
  const [mailingInput, setMailingInput] = useState(props.initialMailingId ?? '');
  const [emailInput, setEmailInput] = useState('');
  const [userId, setUserId] = useState('');
  const [rowCount, setRowCount] = useState<number | null>(null);
  // The filtered total is counted after the first block is shown; this names the count awaited.
  const [counting, setCounting] = useState(false);
  const countFor = useRef('');
  const [queryError, setError] = useState<AppErrorInfo | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [exportError, setExportError] = useState<AppErrorInfo | null>(null);
  const gridRef = useRef<AgGridReact<Row>>(null);

  const mailingId = /^\d{1,19}$/.test(mailingInput.trim()) ? mailingInput.trim() : undefined;
  const mailingInvalid = mailingInput.trim() !== '' && !mailingId;
  const needsUser = view === 'recipient_journey';
  const scope = useMemo<Scope>(() => ({ ...(mailingId ? { mailingId } : {}), ...(needsUser && userId ? { userId } : {}) }), [mailingId, needsUser, userId]);
  const ready = !needsUser || Boolean(userId);

  // Another view makes another `load`, so its columns start empty and load afresh.
  const loadColumns = useCallback(async () => api.responses.columns({ view }), [api, view]);
  const { value: columns, error: columnsError } = useLoad<readonly Column[]>(loadColumns);
  const failure = queryError ?? columnsError;
  const error = failure ? errorMessage(failure) : null;
  const chooseView = (next: GridViewName) => {
    setView(next);
    setRowCount(null);
    setExported(null);
  };

  const defs = useMemo(() => (columns ? columnDefs(columns, i18n) : []), [columns, i18n]);
  // AG Grid's texts, with the day form of the date boxes and a better German name for the filter boxes.
  const localeText = useMemo(() => gridLocaleText(language, t), [language, t]);
  // A new class per language, so the grid (keyed by language below) builds its date boxes afresh.
  const dateComponent = useMemo(() => localeDateInput((day) => fmt.date(day), t('grid.dateFormat')), [fmt, t]);

  // A new datasource object makes the grid start again from the first block.
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        // Filters typed in the words shown ("Klick") go to the database as its stored values ("click").
        const filterModel = filterOnStoredValues(params.filterModel as FilterModel, t, locale);
        void api.responses
          .query({
            view,
            startRow: params.startRow,
            endRow: params.endRow,
            sortModel: params.sortModel.map((s) => ({ colId: s.colId, sort: s.sort })),
            filterModel,
            scope,
            // The block at once; on a big table the total follows from responses.count.
            count: 'separately',
          })
          .then((r) => {
            if (r.ok) {
              setError(null);
              params.successCallback(r.value.rows, r.value.lastRow ?? undefined);
              const key = JSON.stringify([view, filterModel, scope]);
              if (r.value.lastRow !== null) {
                countFor.current = key;
                setCounting(false);
                setRowCount(r.value.lastRow);
                return;
              }
              if (countFor.current === key) return;
              countFor.current = key;
              setCounting(true);
              void api.responses.count({ view, filterModel, scope }).then((c) => {
                // A newer filter asked meanwhile: its own count decides.
                if (countFor.current !== key) return;
                setCounting(false);
                if (!c.ok) {
                  setError(c.error);
                  return;
                }
                setRowCount(c.value.rows);
                gridRef.current?.api.setRowCount(c.value.rows, true);
              });
            } else {
              setError(r.error);
              params.failCallback();
            }
          });
      },
    }),
    [api, view, scope, t, locale],
  );

  const exportToExcel = async () => {
    setExporting(true);
    setExportError(null);
    setExported(null);
    try {
      const r = await api.responses.exportView({
        view,
        sortModel: currentSort(gridRef.current),
        filterModel: filterOnStoredValues((gridRef.current?.api?.getFilterModel() ?? {}) as FilterModel, t, locale),
        scope,
        language,
      });
      if (r.ok) {
        setExported({ path: r.value.path, rows: r.value.rows });
        // Written and offered in one step: no second click for the download.
        await offerHostFile(r.value.path);
      } else setExportError(r.error);
    } finally {
      setExporting(false);
    }
  };

  const explain = VIEW_CHOICES.find((v) => v.view === view)?.explain;
  return (
    <section aria-label={t('responses.grid.region')}>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor={`${id}-view`}>{t('responses.grid.view')}</label>
          <select id={`${id}-view`} value={view} onChange={(e) => chooseView(e.target.value as GridViewName)}>
            {VIEW_CHOICES.map((v) => (
              <option key={v.view} value={v.view}>
                {t(v.label)}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-mailing`}>{t('responses.grid.limitMailing')}</label>
          <input
            id={`${id}-mailing`}
            inputMode="numeric"
            value={mailingInput}
            placeholder={t('responses.grid.allMailings')}
            aria-invalid={mailingInvalid || undefined}
            aria-describedby={mailingInvalid ? `${id}-mailing-error` : undefined}
            onChange={(e) => setMailingInput(e.target.value)}
          />
        </div>
        {needsUser && (
          <form
            className="toolbar-form"
            aria-label={t('grid.column.recipient')}
            onSubmit={(e) => {
              e.preventDefault();
              setUserId(emailInput.trim());
            }}
          >
            <div className="field inline">
              <label htmlFor={`${id}-email`}>{t('responses.grid.email')}</label>
              <input id={`${id}-email`} type="search" value={emailInput} placeholder={t('responses.emailPlaceholder')} onChange={(e) => setEmailInput(e.target.value)} />
            </div>
            <button type="submit" className="button" disabled={!emailInput.trim()}>
              {t('responses.grid.showJourney')}
            </button>
          </form>
        )}
        <p className="muted small toolbar-count" role="status" aria-live="polite" data-testid="row-count">
          {!ready ? '' : counting ? t('responses.grid.counting') : rowCount === null ? t('responses.loading') : t('responses.grid.rows', { count: rowCount })}
        </p>
        <button type="button" className="button" onClick={() => void exportToExcel()} disabled={!ready || exporting || !columns}>
          {exporting ? t('responses.grid.exporting') : t('responses.grid.export')}
        </button>
      </div>
      {explain && (
        <p className="hint">
          {t(explain)} {t('responses.grid.howTo')}
        </p>
      )}
      {mailingInvalid && (
        <p className="field-error" id={`${id}-mailing-error`}>
          {t('responses.grid.mailingInvalid')}
        </p>
      )}
      <ProgressLine task="export" active={exporting} label={t('responses.exportProgress')} />
      <ErrorCallout message={exportError ? errorMessage(exportError) : null} />
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>{t('responses.grid.exported', { count: exported.rows, view: t(viewLabelId(view)) })}</p>
          <HostFileLink path={exported.path} label={t('responses.downloadAgain')} />
        </div>
      )}
      <ErrorCallout message={error} />
      {!ready ? (
        <p className="note">{t('responses.grid.enterEmail')}</p>
      ) : (
        columns && (
          <div className="grid-host response-grid" role="region" aria-label={t('responses.grid.gridOf', { view: t(viewLabelId(view)) })}>
            <AgGridReact<Row>
              key={`${view}/${language}`}
              ref={gridRef}
              theme={gridTheme}
              rowModelType="infinite"
              datasource={datasource}
              cacheBlockSize={100}
              maxBlocksInCache={50}
              columnDefs={defs}
              // Long titles (German ones especially) wrap onto a second line instead of ending in "…".
              defaultColDef={{ floatingFilter: true, suppressHeaderMenuButton: false, wrapHeaderText: true, autoHeaderHeight: true }}
              localeText={localeText}
              components={{ agDateInput: dateComponent }}
              noRowsOverlayComponent={NoRows}
              noRowsOverlayComponentParams={{ text: t('responses.grid.noRows'), pullLabel: t('responses.pull.now'), onPull: props.onPull } satisfies NoRowsProps}
              enableCellTextSelection
            />
          </div>
        )
      )}
    </section>
  );
}
