import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useLanguage } from '../../i18n/language-provider';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { offerHostFile } from '../../api/files';
import { HostFileLink } from '../../components/host-file-link';
import { navigate } from '../../routes';
import { useNewSendSession, type NewSendPrefill } from '../new-send/handoff';
import { ProgressLine } from './progress-line';
import { kpiTexts, kpiValueText, type MailingReportData } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

// The chart library is large; it loads when the first report opens, not with the app.
const TimelineChart = lazy(() => import('./report-charts').then((m) => ({ default: m.TimelineChart })));
const ClientCharts = lazy(() => import('./report-charts').then((m) => ({ default: m.ClientCharts })));

/** What several mailings have in common: their wave and/or source mailing (with its name where known). */
interface Shared {
  readonly wave: string | null;
  readonly source: { readonly id: string; readonly name: string | undefined } | null;
}

/**
 * What several mailings have in common ("of wave 123, “Weekly newsletter” (4401…)"), so a
 * selection is named by it; null while loading or when they share nothing.
 */
function useSharedName(ids: readonly string[]): Shared | null {
  const api = useApi();
  const [name, setName] = useState<Shared | null>(null);
  const idsKey = ids.join(',');
  useEffect(() => {
    if (ids.length < 2) return;
    let live = true;
    void Promise.all([api.responses.mailings({}), api.mailings.list({})]).then(([m, s]) => {
      if (!live || !m.ok) return;
      const picked = m.value.filter((r) => idsKey.split(',').includes(r.mailingId));
      const one = <T,>(values: readonly T[]): T | null => (values.length > 0 && values.every((v) => v !== null && v === values[0]) ? values[0] : null);
      const source = one(picked.map((r) => r.sourceMailingId));
      const sourceName = source ? (s.ok ? s.value.find((x) => x.id === source)?.name : undefined) : undefined;
      const wave = one(picked.map((r) => r.waveId));
      if (picked.length !== idsKey.split(',').length || (!wave && !source)) setName(null);
      else setName({ wave, source: source ? { id: source, name: sourceName } : null });
    });
    return () => {
      live = false;
    };
    // The IDs' text decides; a fresh array arrives with every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by idsKey
  }, [api, idsKey]);
  return name;
}

/** The result of `responses.softBounceDraft`. */
type Draft = NewSendPrefill & { readonly recipients: number; readonly left: number };

const BOUNCE_TEXT: Readonly<Record<string, MessageId>> = {
  fatal_bounce: 'responses.report.bounce.fatal',
  bounce: 'responses.report.bounce.soft',
  temporary_bounce: 'responses.report.bounce.temporary',
};

/** The report's heading: one mailing, or several named by what they share. */
function reportTitle(t: I18n['t'], ids: readonly string[], shared: Shared | null): string {
  if (ids.length === 1) return t('responses.report.titleOne', { id: ids[0]! });
  const count = ids.length;
  const source = shared?.source ? (shared.source.name ? t('responses.report.sourceNamed', { name: shared.source.name, id: shared.source.id }) : t('responses.report.sourceId', { id: shared.source.id })) : null;
  if (shared?.wave) return source ? t('responses.report.titleWaveSource', { count, wave: shared.wave, source }) : t('responses.report.titleWave', { count, wave: shared.wave });
  return source ? t('responses.report.titleSource', { count, source }) : t('responses.report.titleMany', { count });
}

/**
 * KPIs of one mailing or a wave (several mailings counted together): every value beside the
 * formula that produced it, bounces, clicks per link and charts; export and soft-bounce resend.
 */
export function MailingReport(props: { mailingIds: readonly string[] }) {
  const newSend = useNewSendSession();
  const api = useApi();
  const i18n = useI18n();
  const { t, fmt, errorMessage } = i18n;
  const ids = props.mailingIds;
  const single = ids.length === 1 ? ids[0] : null;
  // A fresh array arrives with every render; the IDs' text decides when to count again.
  const idsKey = ids.join(',');
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [actionError, setActionError] = useState<AppErrorInfo | null>(null);
  const [drafting, setDrafting] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);

  const shared = useSharedName(ids);

  // Other IDs make another `load`, so the old report is gone at once while the new one counts.
  const load = useCallback(async () => api.responses.report({ mailingIds: idsKey.split(',') }), [api, idsKey]);
  const loaded = useLoad<MailingReportData>(load);
  const report = loaded.value;
  const error = loaded.error ? errorMessage(loaded.error) : null;
  const { language } = useLanguage();

  const exportReport = async () => {
    if (!single) return;
    setExporting(true);
    setActionError(null);
    setExported(null);
    try {
      const r = await api.responses.exportReport({ mailingId: single, language });
      if (r.ok) {
        setExported({ path: r.value.path, rows: r.value.rows });
        // Written and offered in one step: no second click for the download.
        await offerHostFile(r.value.path);
      } else setActionError(r.error);
    } finally {
      setExporting(false);
    }
  };

  const startResend = async () => {
    if (!single) return;
    setDrafting(true);
    setActionError(null);
    try {
      const r = await api.responses.softBounceDraft({ mailingId: single });
      if (r.ok) setDraft(r.value);
      else setActionError(r.error);
    } finally {
      setDrafting(false);
    }
  };

  const title = reportTitle(t, ids, shared);
  return (
    <section className="mailing-report" aria-labelledby="report-title">
      <header className="detail-head">
        <div>
          <h2 id="report-title">{title}</h2>
          {!single && <p className="muted small mono">{fmt.list(ids)}</p>}
        </div>
        <a className="button" href="#/responses/mailings">
          {t('responses.report.back')}
        </a>
      </header>
      <div className="button-row">
        <button type="button" className="button" disabled={!single || exporting} onClick={() => void exportReport()} title={single ? undefined : t('responses.report.exportOne')}>
          {exporting ? t('responses.report.writing') : t('responses.report.download')}
        </button>
        <button type="button" className="button" disabled={!single || drafting} onClick={() => void startResend()} title={single ? undefined : t('responses.report.resendOne')}>
          {drafting ? t('responses.report.preparing') : t('responses.report.resend')}
        </button>
        {single && (
          <a className="button" href={`#/responses/data/clicks_with_links/${single}`}>
            {t('responses.report.browseClicks')}
          </a>
        )}
        {!single && <span className="hint">{t('responses.report.oneAtATime')}</span>}
      </div>
      <ProgressLine task="export" active={exporting} label={t('responses.exportProgress')} />
      <ErrorCallout message={actionError ? errorMessage(actionError) : null} />
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>{t('responses.report.written', { id: single ?? '', count: exported.rows })}</p>
          <HostFileLink path={exported.path} label={t('responses.downloadAgain')} />
        </div>
      )}
      <ErrorCallout message={error}>
        <button type="button" className="button" onClick={() => void loaded.reload()}>
          {t('responses.tryAgain')}
        </button>
      </ErrorCallout>
      {!report && !error && <p className="muted">{t('responses.report.counting')}</p>}
      {report && (
        <>
          <h3>{t('responses.report.keyFigures')}</h3>
          <ul className="kpi-cards" aria-label={t('responses.report.keyFigures')}>
            {report.kpis.map((k) => {
              const text = kpiTexts(i18n, k);
              return (
                <li key={k.key} className="kpi-card" aria-label={text.label}>
                  <span className="kpi-label">{text.label}</span>
                  <strong className="kpi-value" data-testid={`kpi-${k.key}`}>
                    {kpiValueText(fmt, k)}
                  </strong>
                  <span className="kpi-explain">{text.explain}</span>
                  <details className="kpi-definition">
                    <summary>{t('responses.report.definition')}</summary>
                    <span className="kpi-formula">{text.formula}</span>
                  </details>
                </li>
              );
            })}
          </ul>
          <div className="report-columns">
            <section aria-labelledby="bounces-title">
              <h3 id="bounces-title">{t('responses.view.bouncesByCategory')}</h3>
              {report.bouncesByCategory.length === 0 ? (
                <p className="muted">{t('responses.report.noBounces')}</p>
              ) : (
                <DataTable
                  label={t('responses.view.bouncesByCategory')}
                  rows={report.bouncesByCategory}
                  rowKey={(b) => b.category}
                  columns={[
                    { header: t('grid.column.category'), cell: (b) => (BOUNCE_TEXT[b.category] ? t(BOUNCE_TEXT[b.category]!) : b.category) },
                    { header: t('grid.column.recipients'), className: 'num', cell: (b) => fmt.number(b.recipients) },
                  ]}
                />
              )}
            </section>
            <section aria-labelledby="links-title">
              <h3 id="links-title">{t('responses.report.clicksPerLink')}</h3>
              {report.links.length === 0 ? (
                <p className="muted">{t('responses.report.noLinks')}</p>
              ) : (
                <DataTable
                  label={t('responses.report.clicksPerLink')}
                  rows={report.links}
                  rowKey={(l) => l.linkId}
                  columns={[
                    {
                      header: t('responses.report.link'),
                      cell: (l) => (
                        <>
                          {l.name ?? <span className="muted">{t('responses.report.unnamed')}</span>} <span className="mono small muted">{l.linkId}</span>
                        </>
                      ),
                    },
                    { header: t('grid.column.url'), className: 'small url-cell', cell: (l) => l.url ?? fmt.number(null) },
                    { header: t('report.header.clicks'), className: 'num', cell: (l) => fmt.number(l.total) },
                    { header: t('kpi.uniqueClickers.label'), className: 'num', cell: (l) => fmt.number(l.unique) },
                  ]}
                />
              )}
            </section>
          </div>
          <h3>{t('responses.report.activity')}</h3>
          <Suspense fallback={<p className="muted">{t('responses.report.drawing')}</p>}>
            <TimelineChart timeline={report.timeline} />
            <ClientCharts clients={report.clients} />
          </Suspense>
        </>
      )}
      {draft && (
        <ConfirmDialog
          title={t('responses.resend.title', { id: single ?? '' })}
          confirmLabel={t('responses.resend.confirm')}
          cancelLabel={t('responses.resend.cancel')}
          onClose={() => setDraft(null)}
          onConfirm={async () => {
            newSend.setPrefill({ profile: draft.profile, client: draft.client, sourceMailingId: draft.sourceMailingId, path: draft.path });
            navigate('new-send');
            return null;
          }}
        >
          <p data-testid="resend-summary">
            {draft.left > 0 ? t('responses.resend.summaryLeft', { count: draft.recipients, left: draft.left }) : t('responses.resend.summary', { count: draft.recipients })}
          </p>
          <p className="hint">{t('responses.resend.hint', { client: draft.client, profile: draft.profile, source: draft.sourceMailingId })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
