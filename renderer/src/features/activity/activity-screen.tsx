import { AllCommunityModule, ModuleRegistry, type ColDef, type IRowNode } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ActivityEntry } from '../../../../shared/contract/activity';
import { useApi, useHostEvent } from '../../api/api-context';
import { gridTheme } from '../../components/grid-theme';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';

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

/** The services' machine kinds in the operator's words. */
const KIND_TEXT: Record<string, string> = {
  'sftp.connect': 'Connected',
  'sftp.connect.failed': 'Could not connect',
  'sftp.connection.close': 'Disconnected',
  'sftp.connection.end': 'Server hung up',
  'sftp.connection.error': 'Connection error',
  'sftp.hostkey.refused': 'Server key refused',
  'sftp.upload.start': 'Upload started',
  'sftp.upload.done': 'Uploaded',
  'sftp.upload.confirmed': 'Upload confirmed',
  'sftp.upload.failed': 'Upload failed',
  'sftp.upload.cleanup': 'Clean-up',
  'sftp.upload.unconfirmed': 'Upload not confirmed',
  'sftp.download.done': 'Downloaded',
  connect: 'Connection',
  test: 'Connection test',
  profile: 'Connection settings',
  export: 'Excel export',
  suppression: 'Suppression list',
  upload: 'Upload',
  send: 'Send',
  status: 'Status check',
  pull: 'Response pull',
  retention: 'Retention',
  keyring: 'Keyring',
};

/** A kind in words; unknown ones read from their last part (`sftp.foo.bar` → `Bar`). */
export function kindText(kind: string): string {
  const known = KIND_TEXT[kind];
  if (known) return known;
  const last = kind.split('.').pop() ?? kind;
  return last.charAt(0).toUpperCase() + last.slice(1).replaceAll('_', ' ');
}

/** Connection housekeeping that happens on every check and pull; one filter hides it. */
const ROUTINE_KINDS = new Set(['connect', 'sftp.connect', 'sftp.connection.close', 'sftp.connection.end']);

/** The activity log: every connect, upload, download and error, newest first, live. */
export function ActivityScreen() {
  const api = useApi();
  const id = useId();
  const [quick, setQuick] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const levelRef = useRef<LevelFilter>('all');
  const [hideRoutine, setHideRoutine] = useState(false);
  const hideRoutineRef = useRef(false);
  const gridRef = useRef<AgGridReact<ActivityEntry>>(null);

  const list = useCallback(async () => {
    return api.activity.list({ limit: PAGE, offset: 0 });
  }, [api]);
  const { value: page, error, reload, setValue: setPage } = useLoad(list);
  const rows = page?.entries ?? null;
  const total = page?.total ?? 0;

  useHostEvent('activity.onEntry', (entry) => {
    setPage((prev) => (prev && !prev.entries.some((e) => e.id === entry.id) ? { entries: [entry, ...prev.entries].slice(0, PAGE), total: prev.total + 1 } : prev));
  });

  useEffect(() => {
    levelRef.current = level;
    hideRoutineRef.current = hideRoutine;
    gridRef.current?.api?.onFilterChanged();
  }, [level, hideRoutine]);

  const columns = useMemo<ColDef<ActivityEntry>[]>(
    () => [
      { field: 'at', headerName: 'Time', width: 170, sort: 'desc', valueFormatter: (p) => formatTime(String(p.value ?? '')), getQuickFilterText: (p) => formatTime(String(p.value ?? '')) },
      {
        field: 'level',
        headerName: 'Level',
        width: 90,
        valueFormatter: (p) => LEVEL_LABEL[p.value as ActivityEntry['level']] ?? String(p.value),
        cellClass: (p) => `level-cell level-${String(p.value)}`,
      },
      { field: 'kind', headerName: 'What', width: 160, valueFormatter: (p) => kindText(String(p.value ?? '')), getQuickFilterText: (p) => `${kindText(String(p.value ?? ''))} ${String(p.value ?? '')}`, tooltipValueGetter: (p) => String(p.value ?? '') },
      { field: 'profile', headerName: 'Connection', width: 120, valueFormatter: (p) => (p.value ? String(p.value) : '—') },
      { field: 'message', headerName: 'Message', flex: 1, minWidth: 200, tooltipValueGetter: (p) => p.data?.details ?? p.data?.message },
    ],
    [],
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
        <h1 id="screen-title">Activity</h1>
        <p className="lead">Everything Loopdesk did: connections, uploads, downloads and errors, newest first. New entries appear as they happen.</p>
      </header>
      <div className="toolbar" role="search">
        <div className="field inline">
          <label htmlFor={`${id}-quick`}>Search activity</label>
          <input id={`${id}-quick`} type="search" value={quick} placeholder="Message, connection, what…" onChange={(e) => setQuick(e.target.value)} />
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
        <label className="check-field inline-check">
          <input type="checkbox" checked={hideRoutine} onChange={(e) => setHideRoutine(e.target.checked)} />
          <span>Hide routine connection entries{routineCount > 0 ? ` (${routineCount.toLocaleString('en-GB')})` : ''}</span>
        </label>
        <p className="muted small toolbar-count" role="status">
          {rows === null ? 'Loading…' : total > rows.length ? `Showing the newest ${rows.length} of ${total} entries` : `${total} ${total === 1 ? 'entry' : 'entries'}`}
        </p>
      </div>
      {error ? (
        <ErrorCallout message={error.message} title="The activity log could not be loaded">
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </ErrorCallout>
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
