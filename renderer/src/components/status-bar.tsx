import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/contract/app';
import type { AppErrorInfo } from '../../../shared/contract/result';
import type { MessageId } from '../../../shared/i18n/messages';
import { useApi } from '../api/api-context';
import { useI18n } from '../i18n/use-i18n';

const HOST_LABEL: Record<AppInfo['host'], MessageId> = {
  electron: 'shell.status.host.electron',
  browser: 'shell.status.host.browser',
  cli: 'shell.status.host.cli',
  memory: 'shell.status.host.memory',
};

/** Which host this window talks to, its data dir and whether the embedded sandbox runs. */
export function StatusBar() {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<AppErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    void api.app.info({}).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <footer className="status-bar" aria-label={t('shell.status.label')}>
      {error ? (
        <span className="status-item">{t('shell.status.unavailable', { error: errorMessage(error) })}</span>
      ) : !info ? (
        <span className="status-item">{t('shell.status.connecting')}</span>
      ) : (
        <>
          <span className="status-item" data-testid="status-host">
            <span className="status-key">{t('shell.status.host')}</span> {t(HOST_LABEL[info.host])}
          </span>
          <span className="status-item" data-testid="status-data-dir" title={info.dataDir}>
            <span className="status-key">{t('shell.status.dataDir')}</span> <code>{info.dataDir}</code>
          </span>
          <span className="status-item" data-testid="status-sandbox">
            <span className={`dot ${info.sandbox.running ? 'dot-ok' : 'dot-off'}`} aria-hidden="true" />
            {/* The port is a name, not an amount: no thousands separator. */}
            <span className="status-key">{t('shell.status.sandbox')}</span> {info.sandbox.running ? t('shell.status.sandbox.running', { port: String(info.sandbox.port ?? '?') }) : t('shell.status.sandbox.stopped')}
          </span>
          <span className="status-item status-version">{t('shell.status.version', { version: info.version })}</span>
        </>
      )}
    </footer>
  );
}
