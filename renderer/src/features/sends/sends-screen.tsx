import { useCallback, useEffect, useRef, useState } from 'react';
import type { Send } from '../../../../shared/contract/sends';
import { useApi, useHostEvent } from '../../api/api-context';
import { DataTable } from '../../components/data-table';
import { SendOrigin } from './approval-panel';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { navigate, routeParam } from '../../routes';
import { SendDetail, StateBadge } from './send-detail';
import { useSendTexts } from './use-send-texts';
import { withLiveSends } from './live-during-load';

function byNewest(a: Send, b: Send): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** Follows the `#/sends/<id>` hash, so links and notifications can select a send. */
function useSelectedId(): [string | null, (id: string) => void] {
  const [id, setId] = useState<string | null>(() => routeParam(window.location.hash));
  useEffect(() => {
    const onChange = () => setId(routeParam(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [id, (next) => navigate('sends', next)];
}

/** Sends: every upload, newest first, live, with a detail panel for the selected one. */
export function SendsScreen() {
  const api = useApi();
  const { t, rich, fmt, errorMessage } = useSendTexts();
  const [selectedId, select] = useSelectedId();

  // Sends that change live while the list is on its way: the answer replaces the list, so they
  // are merged into it (the later copy of each), else a new send or a step would be missing.
  const arriving = useRef<Send[] | null>(null);
  const loadSends = useCallback(async () => {
    const live: Send[] = [];
    arriving.current = live;
    const r = await api.sends.list({ limit: 200 });
    if (arriving.current === live) arriving.current = null;
    return mapResult(r, (list) => withLiveSends(list, live).sort(byNewest));
  }, [api]);
  const { value: sends, error: loadError, reload: load, setValue: setSends } = useLoad<Send[]>(loadSends);
  const merge = useCallback(
    (s: Send) => {
      arriving.current?.push(s);
      setSends((prev) => (prev ? [s, ...prev.filter((x) => x.id !== s.id)].sort(byNewest) : prev));
    },
    [setSends],
  );
  useHostEvent('sends.onChanged', merge);

  const selected = sends?.find((s) => s.id === selectedId) ?? null;

  return (
    <section className="screen-inner sends-screen" aria-labelledby="screen-title">
      <header className="screen-header with-actions">
        <div>
          <h1 id="screen-title">{t('sends.title')}</h1>
          <p className="lead">{t('sends.lead')}</p>
        </div>
        <a className="button primary" href="#/new-send">
          {t('sends.newSend')}
        </a>
      </header>
      <ErrorCallout message={loadError ? errorMessage(loadError) : null}>
        <button type="button" className="button" onClick={() => void load()}>
          {t('sends.retry')}
        </button>
      </ErrorCallout>
      {sends && sends.length === 0 && (
        <div className="empty-state">
          <h2>{t('sends.empty.title')}</h2>
          <p>{rich('sends.empty.body', { link: (c) => <a href="#/new-send">{c}</a> })}</p>
        </div>
      )}
      {sends && sends.length > 0 && (
        <div className="sends-layout">
          <DataTable
            label={t('sends.table.label')}
            className="sends-table"
            rows={sends}
            rowKey={(s) => s.id}
            rowSelected={(s) => s.id === selectedId}
            rowClassName={(s) => (s.id === selectedId ? 'selected' : undefined)}
            columns={[
              {
                header: t('sends.column.created'),
                cell: (s) => (
                  <>
                    <button type="button" className="link-button" aria-label={t('sends.show', { id: s.id })} aria-current={s.id === selectedId ? 'true' : undefined} onClick={() => select(s.id)}>
                      {fmt.dateTime(s.createdAt, { seconds: true })}
                    </button>
                    {s.test && <span className="badge badge-test">{t('sends.badge.test')}</span>}
                    <SendOrigin send={s} />
                  </>
                ),
              },
              { header: t('sends.column.client'), cell: (s) => s.client },
              {
                header: t('sends.column.sourceMailing'),
                cell: (s) => (
                  <>
                    {s.sourceMailingName} <span className="muted mono small">{s.sourceMailingId}</span>
                  </>
                ),
              },
              { header: t('sends.column.recipients'), cell: (s) => fmt.number(s.recipients) },
              { header: t('sends.column.status'), cell: (s) => <StateBadge send={s} /> },
            ]}
          />
          {/* Keyed by send: another send starts with a clean detail (no message left from the last). */}
          {selected ? (
            <SendDetail key={selected.id} send={selected} onChanged={merge} />
          ) : (
            <p className="note detail-placeholder">{selectedId ? t('sends.detail.unknown', { id: selectedId }) : t('sends.detail.choose')}</p>
          )}
        </div>
      )}
    </section>
  );
}
