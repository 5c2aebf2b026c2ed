import { AllCommunityModule, ModuleRegistry, type ColDef, type IRowNode } from 'ag-grid-community';
import { AgGridReact, type CustomCellRendererProps } from 'ag-grid-react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ActivityEntry, ActivityScope } from '../../../../shared/contract/activity';
import { useApi, useHostEvent } from '../../api/api-context';
import { gridLocaleText } from '../../components/grid-locale';
import { gridTheme } from '../../components/grid-theme';
import { useLanguage } from '../../i18n/language-provider';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';
import { EN_MESSAGES, type MessageId } from '../../../../shared/i18n/messages';
import { kindMessage, kindText } from './activity-kinds';
import { withLiveEntries } from './live-during-load';
import { entryText } from '../../../../shared/i18n/activity-entry-text';

ModuleRegistry.registerModules([AllCommunityModule]);

/** How many entries the screen loads; older ones stay in the data file. */
const PAGE = 2000;

type LevelFilter = 'all' | ActivityEntry['level'];

const LEVEL_LABEL: Record<ActivityEntry['level'], MessageId> = { info: 'activity.level.info', warn: 'activity.level.warn', error: 'activity.level.error' };

/** The level filter's choices (plural: "Warnings"). */
const LEVEL_FILTER: Record<ActivityEntry['level'], MessageId> = { info: 'activity.level.filter.info', warn: 'activity.level.filter.warn', error: 'activity.level.filter.error' };

/** Connection housekeeping that happens on every check and pull; one filter hides it. */
const ROUTINE_KINDS = new Set(['connect', 'sftp.connect', 'sftp.connection.close', 'sftp.connection.end']);

/** The activity log: every connect, upload, download and error, newest first, live. */
export function ActivityScreen() {
  const api = useApi();
  const { t, fmt, say, errorMessage, locale } = useI18n();
  const { language } = useLanguage();
  const id = useId();
  const [quick, setQuick] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const levelRef = useRef<LevelFilter>('all');
  const [hideRoutine, setHideRoutine] = useState(false);
  const hideRoutineRef = useRef(false);
  const gridRef = useRef<AgGridReact<ActivityEntry>>(null);
  // Team mode: the whole team's log, or this workstation's only (read again from the host on change).
  const [scope, setScope] = useState<ActivityScope>('team');

  // Entries that arrive live while a list is on its way (in team mode it may wait for the team
  // database): the answer replaces the page, so they are merged into it, else they would be lost.
  const arriving = useRef<ActivityEntry[] | null>(null);
  const list = useCallback(async () => {
    const live: ActivityEntry[] = [];
    arriving.current = live;
    const r = await api.activity.list({ limit: PAGE, offset: 0, scope });
    if (arriving.current === live) arriving.current = null;
    return mapResult(r, (p) => withLiveEntries(p, live, PAGE));
  }, [api, scope]);
  const { value: page, error, reload, setValue: setPage } = useLoad(list);
  const rows = page?.entries ?? null;
  const total = page?.total ?? 0;
  const team = page?.team ?? null;

  useHostEvent('activity.onEntry', (entry) => {
    if (scope === 'workstation' && entry.origin && !entry.origin.mine) return;
    arriving.current?.push(entry);
    setPage((prev) => (prev && !prev.entries.some((e) => e.id === entry.id) ? { ...prev, entries: [entry, ...prev.entries].slice(0, PAGE), total: prev.total + 1 } : prev));
  });

  useEffect(() => {
    levelRef.current = level;
    hideRoutineRef.current = hideRoutine;
    gridRef.current?.api?.onFilterChanged();
  }, [level, hideRoutine]);

  // Search finds an entry by what the operator reads (the words of this language) and by the
  // English text and machine kind it was logged with, as before the catalog.
  const columns = useMemo<ColDef<ActivityEntry>[]>(
    () => [
      {
        field: 'at',
        headerName: t('activity.column.time'),
        // The date over the time (06.12.2026 / 14:30:05): the message, the column an operator reads, gets the room.
        width: 118,
        wrapText: true,
        autoHeight: true,
        sort: 'desc',
        valueFormatter: (p) => fmt.dateTime(String(p.value ?? ''), { seconds: true }),
        getQuickFilterText: (p) => fmt.dateTime(String(p.value ?? ''), { seconds: true }),
      },
      {
        field: 'level',
        headerName: t('activity.column.level'),
        // Fits the bold German "Warnung" and "Fehler" whole.
        width: 96,
        valueFormatter: (p) => (Object.hasOwn(LEVEL_LABEL, String(p.value)) ? t(LEVEL_LABEL[p.value as ActivityEntry['level']]) : String(p.value)),
        getQuickFilterText: (p) => (Object.hasOwn(LEVEL_LABEL, String(p.value)) ? t(LEVEL_LABEL[p.value as ActivityEntry['level']]) : String(p.value)),
        cellClass: (p) => `level-cell level-${String(p.value)}`,
      },
      {
        field: 'kind',
        headerName: t('activity.column.kind'),
        // Fits "Heruntergeladen"; a longer German label may be cut short: its tooltip has it whole.
        width: 160,
        valueFormatter: (p) => kindText(t, String(p.value ?? '')),
        getQuickFilterText: (p) => {
          const kind = String(p.value ?? '');
          const key = kindMessage(kind);
          return `${kindText(t, kind)} ${key ? EN_MESSAGES[key] : ''} ${kind}`;
        },
        // The whole label (a long German one may be cut short) and the machine kind behind it.
        tooltipValueGetter: (p) => t('activity.kind.tooltip', { label: kindText(t, String(p.value ?? '')), kind: String(p.value ?? '') }),
      },
      { field: 'profile', headerName: t('activity.column.profile'), width: 110, valueFormatter: (p) => (p.value ? String(p.value) : t('format.empty')) },
      {
        field: 'message',
        headerName: t('activity.column.message'),
        flex: 1,
        // The five columns fit a 1024-pixel window beside the navigation; there the message, the
        // column an operator reads, wraps onto more lines rather than being cut short.
        minWidth: 160,
        wrapText: true,
        autoHeight: true,
        cellClass: 'activity-message',
        valueGetter: (p) => (p.data ? say(entryText(p.data), p.data.message) : ''),
        // Team mode: another workstation's entry starts with a "from NAME" badge (found by search too).
        cellRenderer: (p: CustomCellRendererProps<ActivityEntry, string>) => (
          <>
            {p.data?.origin && !p.data.origin.mine && (
              <span className="activity-origin" data-testid="activity-origin">
                {t('activity.origin.from', { name: p.data.origin.name })}
              </span>
            )}
            {p.value}
          </>
        ),
        getQuickFilterText: (p) => (p.data ? `${say(entryText(p.data), p.data.message)} ${p.data.message}${p.data.origin && !p.data.origin.mine ? ` ${t('activity.origin.from', { name: p.data.origin.name })}` : ''}` : ''),
        tooltipValueGetter: (p) => p.data?.details ?? (p.data ? say(entryText(p.data), p.data.message) : undefined),
      },
    ],
    [t, fmt, say],
  );

  const isExternalFilterPresent = useCallback(() => levelRef.current !== 'all' || hideRoutineRef.current, []);
  const doesExternalFilterPass = useCallback(
    (node: IRowNode<ActivityEntry>) =>
      (levelRef.current === 'all' || node.data?.level === levelRef.current) && !(hideRoutineRef.current && node.data && node.data.level === 'info' && ROUTINE_KINDS.has(node.data.kind)),
    [],
  );
  const routineCount = rows?.filter((e) => e.level === 'info' && ROUTINE_KINDS.has(e.kind)).length ?? 0;

  return (
    <section className="screen-inner activity-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{t('activity.title')}</h1>
        <p className="lead">{t(team ? 'activity.leadTeam' : 'activity.lead')}</p>
      </header>
      <div className="toolbar" role="search">
        <div className="field inline">
          <label htmlFor={`${id}-quick`}>{t('activity.search.label')}</label>
          <input id={`${id}-quick`} type="search" value={quick} placeholder={t('activity.search.placeholder')} onChange={(e) => setQuick(e.target.value)} />
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-level`}>{t('activity.level.label')}</label>
          <select id={`${id}-level`} value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            <option value="all">{t('activity.level.all')}</option>
            {(Object.keys(LEVEL_FILTER) as ActivityEntry['level'][]).map((l) => (
              <option key={l} value={l}>
                {t(LEVEL_FILTER[l])}
              </option>
            ))}
          </select>
        </div>
        <label className="check-field inline-check">
          <input type="checkbox" checked={hideRoutine} onChange={(e) => setHideRoutine(e.target.checked)} />
          <span>{t('activity.hideRoutine', { count: routineCount })}</span>
        </label>
        {team && (
          <label className="check-field inline-check">
            <input type="checkbox" checked={scope === 'workstation'} onChange={(e) => setScope(e.target.checked ? 'workstation' : 'team')} />
            <span>{t('activity.scope.mine', { name: team.workstation })}</span>
          </label>
        )}
        <p className="muted small toolbar-count" role="status">
          {rows === null ? t('common.loading') : total > rows.length ? t('activity.countNewest', { shown: rows.length, total }) : t('activity.count', { total })}
        </p>
      </div>
      {team?.othersMissing && (
        <p className="callout callout-warn small" role="status" data-testid="activity-team-missing">
          {t('activity.team.othersMissing')}
        </p>
      )}
      {error ? (
        <ErrorCallout message={errorMessage(error)} title={t('activity.error.title')}>
          <button type="button" className="button" onClick={() => void reload()}>
            {t('common.retry')}
          </button>
        </ErrorCallout>
      ) : (
        <div className="grid-host" aria-label={t('activity.grid.label')}>
          <AgGridReact<ActivityEntry>
            // AG Grid reads its own texts once: a new language draws a new grid.
            key={locale}
            localeText={{ ...gridLocaleText(language, t), noMatchingRows: t('activity.overlay.noMatch') }}
            ref={gridRef}
            theme={gridTheme}
            rowData={rows ?? []}
            loading={rows === null}
            columnDefs={columns}
            defaultColDef={{ sortable: true, resizable: true, filter: false }}
            getRowId={(p) => p.data.id}
            quickFilterText={quick}
            isExternalFilterPresent={isExternalFilterPresent}
            doesExternalFilterPass={doesExternalFilterPass}
            // With entries that the filters hide, AG Grid shows its "no matching rows" text (localeText above).
            overlayNoRowsTemplate={escapeHtml(t('activity.overlay.empty'))}
            // Tooltips as `title`: the full text of a cut-short cell, for every browser and screen reader.
            enableBrowserTooltips
            enableCellTextSelection
          />
        </div>
      )}
    </section>
  );
}

/** AG Grid's overlay takes HTML; a message is text. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
