import { useCallback, useState } from 'react';
import type { MailingUse } from '../../../../shared/contract/mailings';
import type { ResponseMailing } from '../../../../shared/contract/responses';
import { useApi } from '../../api/api-context';
import { baseName } from '../../api/files';
import { plural } from '../../components/format';
import { navigate } from '../../routes';
import { fileTime, linkKindText } from './response-text';
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
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  const load = useCallback(async () => {
    const [m, s] = await Promise.all([api.responses.mailings({}), api.mailings.list({})]);
    // The source mailings only add names; without them the rows still show.
    return mapResult(m, (mailings) => ({ rows: mailings, sources: s.ok ? s.value : ([] as MailingUse[]) }));
  }, [api]);
  const loaded = useLoad(load, props.reloadKey);
  const rows = loaded.value?.rows ?? null;
  const sources = loaded.value?.sources ?? [];
  const error = loaded.error?.message ?? null;
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
          Try again
        </button>
      </ErrorCallout>
    );
  if (!rows) return <p className="muted">Loading mailings…</p>;
  if (rows.length === 0)
    return (
      <div className="empty-state">
        <h2>No response data yet</h2>
        <p>The server writes response files once a day. Press “Pull now” above to download what is there (a connection is needed); Loopdesk also pulls by itself every day.</p>
      </div>
    );
  return (
    <section aria-label="Mailings with response data">
      <div className="toolbar">
        <button type="button" className="button primary" disabled={picked.size === 0} onClick={() => openReport([...picked])}>
          {picked.size > 1 ? `Show KPIs of ${picked.size} mailings together` : 'Show KPIs of the ticked mailing'}
        </button>
        <p className="muted small toolbar-count" role="status">
          {plural(rows.length, 'mailing')}
          {picked.size > 0 ? `, ${picked.size} ticked` : ''}
        </p>
      </div>
      <DataTable
        label="Response mailings"
        rows={rows}
        rowKey={(m) => m.mailingId}
        columns={[
          {
            header: <span className="visually-hidden">Tick</span>,
            cell: (m) => <input type="checkbox" aria-label={`Tick mailing ${m.mailingId}`} checked={picked.has(m.mailingId)} onChange={(e) => toggle(m.mailingId, e.target.checked)} />,
          },
          {
            header: 'Mailing ID',
            className: 'mono',
            cell: (m) => (
              <>
                {m.mailingId}
                {m.test && <span className="badge badge-test">TEST</span>}
              </>
            ),
          },
          {
            header: 'Source mailing',
            cell: (m) => (
              <>
                {sourceName(m.sourceMailingId) ?? <span className="muted">unknown name</span>} <span className="mono small muted">{m.sourceMailingId ?? '—'}</span>
              </>
            ),
          },
          { header: 'Started', className: 'small', cell: (m) => fileTime(m.started) },
          { header: 'Produced by', className: 'small', cell: (m) => <ProducedBy use={m} onPickWave={pickWave} /> },
          { header: 'How it was matched', className: 'small', cell: (m) => linkKindText(m.link) },
          {
            header: <span className="visually-hidden">Actions</span>,
            className: 'row-actions',
            cell: (m) => (
              <button type="button" className="button" aria-label={`Show KPIs of mailing ${m.mailingId}`} onClick={() => openReport([m.mailingId])}>
                KPIs
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
  const m = props.use;
  if (!m.sendId) return <span className="muted">a send outside Loopdesk</span>;
  return (
    <>
      <a href={`#/sends/${encodeURIComponent(m.sendId)}`}>Send {m.sendId}</a>
      {m.inputFile && (
        <>
          <br />
          <span className="muted">file</span> {baseName(m.inputFile)}
        </>
      )}
      {m.waveId && (
        <>
          <br />
          <span className="muted">wave</span> <span className="mono">{m.waveId}</span>{' '}
          <button type="button" className="link-button" onClick={() => props.onPickWave(m.waveId!)} aria-label={`Tick every mailing of wave ${m.waveId}`}>
            (tick wave)
          </button>
        </>
      )}
    </>
  );
}
