import { AllCommunityModule, ModuleRegistry, type ColDef, type IRowNode } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ActivityEntry } from '../../../../shared/contract/activity';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi, useHostEvent } from '../../api/api-context';
import { gridTheme } from '../../components/grid-theme';

ModuleRegistry.registerModules([AllCommunityModule]);

/** How many entries the screen loads; older ones stay in the data file. */
const PAGE = 2000;

type LevelFilter = 'all' | ActivityEntry['level'];

function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const LEVEL_LABEL: Record<ActivityEntry['level'], string> = { info: 'Info', warn: 'Warning', error: 'Error' };

/** The activity log: every connect, upload, download and error, newest first, live. */
export function ActivityScreen() {
  const api = useApi();
  const id = useId();
  const [rows, setRows] = useState<ActivityEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [quick, setQuick] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const levelRef = useRef<LevelFilter>('all');
  const gridRef = useRef<AgGridReact<ActivityEntry>>(null);

  const load = useCallback(async () => {
    const r = await api.activity.list({ limit: PAGE, offset: 0 });
    if (r.ok) {
      setRows(r.value.entries);
      setTotal(r.value.total);
      setError(null);
    } else setError(r.error);
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  useHostEvent('activity.onEntry', (entry) => {
    setRows((prev) => (prev && !prev.some((e) => e.id === entry.id) ? [entry, ...prev].slice(0, PAGE) : prev));
    setTotal((t) => t + 1);
  });

  useEffect(() => {
    levelRef.current = level;
    gridRef.current?.api?.onFilterChanged();
  }, [level]);

  const columns = useMemo<ColDef<ActivityEntry>[]>(
    () => [
      { field: 'at', headerName: 'Time', width: 180, sort: 'desc', valueFormatter: (p) => formatTime(String(p.value ?? '')), getQuickFilterText: (p) => formatTime(String(p.value ?? '')) },
      {
        field: 'level',
        headerName: 'Level',
        width: 110,
        valueFormatter: (p) => LEVEL_LABEL[p.value as ActivityEntry['level']] ?? String(p.value),
        cellClass: (p) => `level-cell level-${String(p.value)}`,
      },
      { field: 'kind', headerName: 'Kind', width: 130 },
      { field: 'profile', headerName: 'Connection', width: 170, valueFormatter: (p) => (p.value ? String(p.value) : '—') },
      { field: 'message', headerName: 'Message', flex: 1, minWidth: 300, tooltipValueGetter: (p) => p.data?.details ?? p.data?.message },
    ],
    [],
  );

  const isExternalFilterPresent = useCallback(() => levelRef.current !== 'all', []);
  const doesExternalFilterPass = useCallback((node: IRowNode<ActivityEntry>) => node.data?.level === levelRef.current, []);

  return (
    <section className="screen-inner activity-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">Activity</h1>
        <p className="lead">Everything Loopdesk did: connections, uploads, downloads and errors, newest first. New entries appear as they happen.</p>
      </header>
      <div className="toolbar" role="search">
        <div className="field inline">
          <label htmlFor={`${id}-quick`}>Search activity</label>
          <input id={`${id}-quick`} type="search" value={quick} placeholder="Message, connection, kind…" onChange={(e) => setQuick(e.target.value)} />
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-level`}>Level</label>
          <select id={`${id}-level`} value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            <option value="all">All levels</option>
            <option value="info">Info</option>
            <option value="warn">Warnings</option>
            <option value="error">Errors</option>
          </select>
        </div>
        <p className="muted small toolbar-count" role="status">
          {rows === null ? 'Loading…' : total > rows.length ? `Showing the newest ${rows.length} of ${total} entries` : `${total} ${total === 1 ? 'entry' : 'entries'}`}
        </p>
      </div>
      {error ? (
        <div className="callout callout-error" role="alert">
          <h2>The activity log could not be loaded</h2>
          <p>{error.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : (
        <div className="grid-host" aria-label="Activity entries">
          <AgGridReact<ActivityEntry>
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
            overlayNoRowsTemplate={
              rows && rows.length > 0
                ? 'No entries match the search or level filter.'
                : 'Nothing has happened yet. Test a connection on the Connections screen and it appears here.'
            }
            tooltipShowDelay={400}
            enableCellTextSelection
          />
        </div>
      )}
    </section>
  );
}
