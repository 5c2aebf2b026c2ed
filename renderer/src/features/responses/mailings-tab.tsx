import { useCallback, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { ResponseMailing } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { baseName } from '../../api/files';
import { useI18n } from '../../i18n/use-i18n';
import { navigate } from '../../routes';
import { fileTime, LINK_KIND_TEXT } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

/** Opens the KPI view of one mailing or several (a wave). */
export function openReport(ids: readonly string[]): void {
  navigate('responses', `report/${ids.join(',')}`);
}

/**
 * The mailings found in the response data, each tied to the send (file, wave) that produced
 * it where Loopdesk knows it. Pick one for its KPIs, or tick several to see them as one wave.
 */
export function MailingsTab(props: { reloadKey: number }) {
  const api = useApi();
  const { t, fmt, errorMessage } = useI18n();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  const load = useCallback(async () => {
    const [m, s] = await Promise.all([api.responses.mailings({}), api.mailings.list({})]);
    // The source mailings only add names; without them the rows still show.
    return mapResult(m, (mailings) => ({ rows: mailings, sources: s.ok ? s.value : ([] as MailingUse[]) }));
  }, [api]);
  const loaded = useLoad(load, props.reloadKey);
  const rows = loaded.value?.rows ?? null;
  const sources = loaded.value?.sources ?? [];
  const error = loaded.error ? errorMessage(loaded.error) : null;
  const reload = loaded.reload;

  const sourceName = (id: string | null) => (id ? sources.find((s) => s.id === id)?.name : undefined);
  const toggle = (id: string, on: boolean) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const pickWave = (waveId: string) => setPicked(new Set((rows ?? []).filter((r) => r.waveId === waveId).map((r) => r.mailingId)));

  if (error)
    return (
      <ErrorCallout message={error}>
        <button type="button" className="button" onClick={() => void reload()}>
          {t('responses.tryAgain')}
        </button>
      </ErrorCallout>
    );
  if (!rows) return <p className="muted">{t('responses.mailings.loading')}</p>;
  if (rows.length === 0)
    return (
      <div className="empty-state">
        <h2>{t('responses.mailings.emptyTitle')}</h2>
        <p>{t('responses.mailings.emptyText')}</p>
      </div>
    );
  return (
    <section aria-label={t('responses.mailings.region')}>
      <div className="toolbar">
        <button type="button" className="button primary" disabled={picked.size === 0} onClick={() => openReport([...picked])}>
          {picked.size > 1 ? t('responses.mailings.showTogether', { count: picked.size }) : t('responses.mailings.showTicked')}
        </button>
        <p className="muted small toolbar-count" role="status">
          {picked.size > 0 ? t('responses.mailings.countTicked', { count: rows.length, ticked: picked.size }) : t('responses.mailings.count', { count: rows.length })}
        </p>
      </div>
      <DataTable
        label={t('responses.mailings.table')}
        rows={rows}
        rowKey={(m) => m.mailingId}
        columns={[
          {
            header: <span className="visually-hidden">{t('responses.mailings.tick')}</span>,
            cell: (m) => <input type="checkbox" aria-label={t('responses.mailings.tickMailing', { id: m.mailingId })} checked={picked.has(m.mailingId)} onChange={(e) => toggle(m.mailingId, e.target.checked)} />,
          },
          {
            header: t('grid.column.mailingId'),
            className: 'mono',
            cell: (m) => (
              <>
                {m.mailingId}
                {m.test && <span className="badge badge-test">{t('responses.mailings.testBadge')}</span>}
              </>
            ),
          },
          {
            header: t('responses.mailings.source'),
            cell: (m) => (
              <>
                {sourceName(m.sourceMailingId) ?? <span className="muted">{t('responses.mailings.unknownName')}</span>} <span className="mono small muted">{m.sourceMailingId ?? fmt.number(null)}</span>
              </>
            ),
          },
          { header: t('grid.column.started'), className: 'small', cell: (m) => fileTime(fmt, m.started) },
          { header: t('responses.mailings.producedBy'), className: 'small', cell: (m) => <ProducedBy use={m} onPickWave={pickWave} /> },
          { header: t('responses.mailings.matched'), className: 'small', cell: (m) => t(LINK_KIND_TEXT[m.link]) },
          {
            header: <span className="visually-hidden">{t('responses.actions')}</span>,
            className: 'row-actions',
            cell: (m) => (
              <button type="button" className="button" aria-label={t('responses.mailings.showKpisOf', { id: m.mailingId })} onClick={() => openReport([m.mailingId])}>
                {t('responses.mailings.kpis')}
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}

/** Which send (file, wave) produced a response mailing, or that it came from outside Loopdesk. */
function ProducedBy(props: { use: ResponseMailing; onPickWave: (waveId: string) => void }) {
  const { t, rich } = useI18n();
  const m = props.use;
  if (!m.sendId) return <span className="muted">{t('responses.producedBy.outside')}</span>;
  const muted = (c: React.ReactNode[]) => <span className="muted">{c}</span>;
  return (
    <>
      <a href={`#/sends/${encodeURIComponent(m.sendId)}`}>{t('responses.producedBy.send', { id: m.sendId })}</a>
      {m.inputFile && (
        <>
          <br />
          {rich('responses.producedBy.file', { name: baseName(m.inputFile), m: muted })}
        </>
      )}
      {m.waveId && (
        <>
          <br />
          {rich('responses.producedBy.wave', { wave: m.waveId, m: muted, c: (c) => <span className="mono">{c}</span> })}{' '}
          <button type="button" className="link-button" onClick={() => props.onPickWave(m.waveId!)} aria-label={t('responses.producedBy.tickWaveOf', { wave: m.waveId })}>
            {t('responses.producedBy.tickWave')}
          </button>
        </>
      )}
    </>
  );
}
