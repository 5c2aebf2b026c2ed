import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/contract/app';
import { useApi } from '../api/api-context';

const HOST_LABEL: Record<AppInfo['host'], string> = {
  electron: 'Desktop app',
  browser: 'Browser host',
  cli: 'Command line',
  memory: 'In-memory host',
};

/** Which host this window talks to, its data dir and whether the embedded sandbox runs. */
export function StatusBar() {
  const api = useApi();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.app.info({}).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.value);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <footer className="status-bar" aria-label="Status">
      {error ? (
        <span className="status-item">Host information unavailable: {error}</span>
      ) : !info ? (
        <span className="status-item">Connecting…</span>
      ) : (
        <>
          <span className="status-item" data-testid="status-host">
            <span className="status-key">Host</span> {HOST_LABEL[info.host]}
          </span>
          <span className="status-item" data-testid="status-data-dir" title={info.dataDir}>
            <span className="status-key">Data dir</span> <code>{info.dataDir}</code>
          </span>
          <span className="status-item" data-testid="status-sandbox">
            <span className={`dot ${info.sandbox.running ? 'dot-ok' : 'dot-off'}`} aria-hidden="true" />
            <span className="status-key">Sandbox</span>{' '}
            {info.sandbox.running ? `running on port ${info.sandbox.port ?? '?'}` : 'not running'}
          </span>
          <span className="status-item status-version">Loopdesk {info.version}</span>
        </>
      )}
    </footer>
  );
}
