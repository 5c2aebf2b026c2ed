import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { plural } from '../../components/format';
import { offerHostFile } from '../../api/files';
import { HostFileLink } from '../../components/host-file-link';
import { navigate } from '../../routes';
import { useNewSendSession, type NewSendPrefill } from '../new-send/handoff';
import { ProgressLine } from './progress-line';
import { kpiValueText, type MailingReportData } from './response-text';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

// The chart library is large; it loads when the first report opens, not with the app.
const TimelineChart = lazy(() => import('./report-charts').then((m) => ({ default: m.TimelineChart })));
const ClientCharts = lazy(() => import('./report-charts').then((m) => ({ default: m.ClientCharts })));

/**
 * What several mailings have in common, in words ("of wave 123 (Weekly newsletter)", "of
 * Weekly newsletter (4401…)"), so a selection is named by it; null while loading or when
 * they share nothing.
 */
function useSharedName(ids: readonly string[]): string | null {
  const api = useApi();
  const [name, setName] = useState<string | null>(null);
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
      const sourceText = source ? (sourceName ? `“${sourceName}” (${source})` : `source mailing ${source}`) : null;
      const wave = one(picked.map((r) => r.waveId));
      if (picked.length !== idsKey.split(',').length) setName(null);
      else if (wave) setName(`of wave ${wave}${sourceText ? `, ${sourceText}` : ''}`);
      else if (sourceText) setName(`of ${sourceText}`);
      else setName(null);
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

const BOUNCE_TEXT: Record<string, string> = {
  fatal_bounce: 'Hard bounce (fatal_bounce)',
  bounce: 'Soft bounce (bounce)',
  temporary_bounce: 'Soft bounce (temporary_bounce)',
};

/**
 * KPIs of one mailing or a wave (several mailings counted together): every value beside the
 * formula that produced it, bounces, clicks per link and charts; export and soft-bounce resend.
 */
export function MailingReport(props: { mailingIds: readonly string[] }) {
  const newSend = useNewSendSession();
  const api = useApi();
  const ids = props.mailingIds;
  const single = ids.length === 1 ? ids[0] : null;
  // A fresh array arrives with every render; the IDs' text decides when to count again.
  const idsKey = ids.join(',');
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<{ path: string; rows: number } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [drafting, setDrafting] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);

  const shared = useSharedName(ids);

  // Other IDs make another `load`, so the old report is gone at once while the new one counts.
  const load = useCallback(async () => api.responses.report({ mailingIds: idsKey.split(',') }), [api, idsKey]);
  const loaded = useLoad<MailingReportData>(load);
  const report = loaded.value;
  const error = loaded.error?.message ?? null;

  const exportReport = async () => {
    if (!single) return;
    setExporting(true);
    setActionError(null);
    setExported(null);
    try {
      const r = await api.responses.exportReport({ mailingId: single });
      if (r.ok) {
        setExported({ path: r.value.path, rows: r.value.rows });
        // Written and offered in one step: no second click for the download.
        await offerHostFile(r.value.path);
      } else setActionError(r.error.message);
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
      else setActionError(r.error.message);
    } finally {
      setDrafting(false);
    }
  };

  const title = single ? `Mailing ${single}` : shared ? `${ids.length} mailings ${shared}` : `${ids.length} mailings`;
  return (
    <section className="mailing-report" aria-labelledby="report-title">
      <header className="detail-head">
        <div>
          <h2 id="report-title">KPIs of {title.charAt(0).toLowerCase() + title.slice(1)}</h2>
          {!single && <p className="muted small mono">{ids.join(', ')}</p>}
        </div>
        <a className="button" href="#/responses/mailings">
          Back to mailings
        </a>
      </header>
      <div className="button-row">
        <button type="button" className="button" disabled={!single || exporting} onClick={() => void exportReport()} title={single ? undefined : 'The Excel report covers one mailing; open a single mailing to export it.'}>
          {exporting ? 'Writing the report…' : 'Download the Excel report'}
        </button>
        <button type="button" className="button" disabled={!single || drafting} onClick={() => void startResend()} title={single ? undefined : 'Soft bounces are resent per mailing.'}>
          {drafting ? 'Preparing…' : 'Resend soft bounces…'}
        </button>
        {single && (
          <a className="button" href={`#/responses/data/clicks_with_links/${single}`}>
            Browse the clicks
          </a>
        )}
        {!single && <span className="hint">Export and soft-bounce resend work on one mailing at a time.</span>}
      </div>
      <ProgressLine task="export" active={exporting} label="Export progress" />
      <ErrorCallout message={actionError} />
      {exported && (
        <div className="callout callout-ok" role="status">
          <p>The report of mailing {single} is written ({plural(exported.rows, 'row')}) and offered as a download.</p>
          <HostFileLink path={exported.path} label="Download it again" />
        </div>
      )}
      <ErrorCallout message={error}>
        <button type="button" className="button" onClick={() => void loaded.reload()}>
          Try again
        </button>
      </ErrorCallout>
      {!report && !error && <p className="muted">Counting…</p>}
      {report && (
        <>
          <h3>Key figures</h3>
          <ul className="kpi-cards" aria-label="Key figures">
            {report.kpis.map((k) => (
              <li key={k.key} className="kpi-card" aria-label={k.label}>
                <span className="kpi-label">{k.label}</span>
                <strong className="kpi-value" data-testid={`kpi-${k.key}`}>
                  {kpiValueText(k)}
                </strong>
                <span className="kpi-explain">{k.explain}</span>
                <details className="kpi-definition">
                  <summary>Exact definition</summary>
                  <span className="kpi-formula">{k.formula}</span>
                </details>
              </li>
            ))}
          </ul>
          <div className="report-columns">
            <section aria-labelledby="bounces-title">
              <h3 id="bounces-title">Bounces by category</h3>
              {report.bouncesByCategory.length === 0 ? (
                <p className="muted">No bounces.</p>
              ) : (
                <DataTable
                  label="Bounces by category"
                  rows={report.bouncesByCategory}
                  rowKey={(b) => b.category}
                  columns={[
                    { header: 'Category', cell: (b) => BOUNCE_TEXT[b.category] ?? b.category },
                    { header: 'Recipients', className: 'num', cell: (b) => b.recipients.toLocaleString('en-GB') },
                  ]}
                />
              )}
            </section>
            <section aria-labelledby="links-title">
              <h3 id="links-title">Clicks per link</h3>
              {report.links.length === 0 ? (
                <p className="muted">No links recorded.</p>
              ) : (
                <DataTable
                  label="Clicks per link"
                  rows={report.links}
                  rowKey={(l) => l.linkId}
                  columns={[
                    {
                      header: 'Link',
                      cell: (l) => (
                        <>
                          {l.name ?? <span className="muted">unnamed</span>} <span className="mono small muted">{l.linkId}</span>
                        </>
                      ),
                    },
                    { header: 'URL', className: 'small url-cell', cell: (l) => l.url ?? '—' },
                    { header: 'Clicks', className: 'num', cell: (l) => l.total.toLocaleString('en-GB') },
                    { header: 'Unique clickers', className: 'num', cell: (l) => l.unique.toLocaleString('en-GB') },
                  ]}
                />
              )}
            </section>
          </div>
          <h3>Activity and devices</h3>
          <Suspense fallback={<p className="muted">Drawing the charts…</p>}>
            <TimelineChart timeline={report.timeline} />
            <ClientCharts clients={report.clients} />
          </Suspense>
        </>
      )}
      {draft && (
        <ConfirmDialog
          title={`Resend mailing ${single} to its soft bounces?`}
          confirmLabel="Open in New send"
          cancelLabel="Not now"
          onClose={() => setDraft(null)}
          onConfirm={async () => {
            newSend.setPrefill({ profile: draft.profile, client: draft.client, sourceMailingId: draft.sourceMailingId, path: draft.path });
            navigate('new-send');
            return null;
          }}
        >
          <p data-testid="resend-summary">
            {plural(draft.recipients, 'recipient')} soft-bounced and can get the mailing again
            {draft.left > 0 ? `; ${plural(draft.left, 'address', 'addresses')} left out because they are not in the original file` : ''}.
          </p>
          <p className="hint">
            Anyone who unsubscribed or hard-bounced since is already left out. The draft opens in New send for client {draft.client} on {draft.profile} with source mailing {draft.sourceMailingId}; you check it and send it
            there as usual. Nothing is sent yet.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
