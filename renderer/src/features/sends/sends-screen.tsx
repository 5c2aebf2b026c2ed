import { useCallback, useEffect, useState } from 'react';
import type { Send, SendEvent } from '../../../../shared/contract/sends';
import { useApi, useHostEvent } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatBytes, formatDateTime, formatSeconds, plural } from '../../components/format';
import { navigate, routeParam } from '../../routes';
import { useNewSendSession } from '../new-send/handoff';
import { canCancel, STATE_TEXT } from './send-states';
import { ApprovalPanel, SendOrigin } from './approval-panel';
import { ErrorCallout } from '../../components/error-callout';
import { mapResult, useLoad } from '../../components/use-load';
import { DataTable } from '../../components/data-table';

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
  const [selectedId, select] = useSelectedId();

  const loadSends = useCallback(async () => mapResult(await api.sends.list({ limit: 200 }), (list) => [...list].sort(byNewest)), [api]);
  const { value: sends, error: loadError, reload: load, setValue: setSends } = useLoad<Send[]>(loadSends);
  const error = loadError?.message ?? null;
  const merge = useCallback((s: Send) => setSends((prev) => (prev ? [s, ...prev.filter((x) => x.id !== s.id)].sort(byNewest) : prev)), [setSends]);
  useHostEvent('sends.onChanged', merge);

  const selected = sends?.find((s) => s.id === selectedId) ?? null;

  return (
    <section className="screen-inner sends-screen" aria-labelledby="screen-title">
      <header className="screen-header with-actions">
        <div>
          <h1 id="screen-title">Sends</h1>
          <p className="lead">Every recipient file you uploaded and what the server did with it. This list updates by itself.</p>
        </div>
        <a className="button primary" href="#/new-send">
          New send
        </a>
      </header>
      <ErrorCallout message={error}>
        <button type="button" className="button" onClick={() => void load()}>
          Try again
        </button>
      </ErrorCallout>
      {sends && sends.length === 0 && (
        <div className="empty-state">
          <h2>No sends yet</h2>
          <p>
            Start one on the <a href="#/new-send">New send</a> screen. It appears here as soon as you confirm it.
          </p>
        </div>
      )}
      {sends && sends.length > 0 && (
        <div className="sends-layout">
          <DataTable
            label="Sends"
            className="sends-table"
            rows={sends}
            rowKey={(s) => s.id}
            rowSelected={(s) => s.id === selectedId}
            rowClassName={(s) => (s.id === selectedId ? 'selected' : undefined)}
            columns={[
              {
                header: 'Created',
                cell: (s) => (
                  <>
                    <button type="button" className="link-button" aria-label={`Show send ${s.id}`} aria-current={s.id === selectedId ? 'true' : undefined} onClick={() => select(s.id)}>
                      {formatDateTime(s.createdAt)}
                    </button>
                    {s.test && <span className="badge badge-test">Test</span>}
                    <SendOrigin send={s} />
                  </>
                ),
              },
              { header: 'Client', cell: (s) => s.client },
              {
                header: 'Source mailing',
                cell: (s) => (
                  <>
                    {s.sourceMailingName} <span className="muted mono small">{s.sourceMailingId}</span>
                  </>
                ),
              },
              { header: 'Recipients', cell: (s) => s.recipients.toLocaleString('en-GB') },
              { header: 'Status', cell: (s) => <StateBadge send={s} /> },
            ]}
          />
          {/* Keyed by send: another send starts with a clean detail (no message left from the last). */}
          {selected ? (
            <SendDetail key={selected.id} send={selected} onChanged={merge} />
          ) : (
            <p className="note detail-placeholder">{selectedId ? `There is no send ${selectedId}.` : 'Choose a send to see its timeline.'}</p>
          )}
        </div>
      )}
    </section>
  );
}

function StateBadge(props: { send: Send; testId?: string }) {
  const t = STATE_TEXT[props.send.state];
  return (
    <span className={`badge badge-state-${t.tone}`} data-testid={props.testId}>
      {t.label}
    </span>
  );
}

/**
 * The time of a timeline step with the clock it comes from: the server's own time from its log
 * (as written, in the client's zone) where it has one, else this computer's time.
 */
function TimelineTimes(props: { event: SendEvent }) {
  const e = props.event;
  if (!e.server) {
    return (
      <span className="timeline-times small" data-testid="timeline-time">
        <time dateTime={e.at}>{formatDateTime(e.at)}</time> <span className="clock-label">this computer</span>
      </span>
    );
  }
  return (
    <span className="timeline-times small" data-testid="timeline-time">
      <time dateTime={e.server.at ?? undefined}>{e.server.time}</time> <span className="clock-label clock-server">server clock, {e.server.timeZone}</span>{' '}
      <span className="muted">
        seen <time dateTime={e.at}>{formatDateTime(e.at)}</time> on this computer
      </span>
    </span>
  );
}

/** The detail panel: facts, progress, timeline, server errors and the actions that apply. */
function SendDetail(props: { send: Send; onChanged: (s: Send) => void }) {
  const newSend = useNewSendSession();
  const api = useApi();
  const s = props.send;
  const [checking, setChecking] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const checkNow = async () => {
    setChecking(true);
    setMessage(null);
    try {
      const r = await api.sends.refresh({ id: s.id });
      if (!r.ok) return setMessage(r.error.message);
      for (const x of r.value) props.onChanged(x);
      setMessage(`Checked at ${formatDateTime(new Date().toISOString())}.`);
    } finally {
      setChecking(false);
    }
  };

  return (
    <section className="card send-detail" aria-labelledby="send-detail-title">
      <header className="detail-head">
        <h2 id="send-detail-title">
          {s.test ? 'Test send' : 'Send'} {s.id}
        </h2>
        <StateBadge send={s} testId="send-state" />
      </header>
      <p className="muted">{STATE_TEXT[s.state].explain}</p>
      <ApprovalPanel send={s} onChanged={props.onChanged} />
      {s.serverHalted && (
        <div className="callout callout-danger" role="alert">
          <h3>Server interface halted</h3>
          <p>
            After this error the server processes no further uploads for this client until its administrator restarts the interface. Sends you start now wait on the server.
            Tell the administrator, with this send’s ID and the error below.
          </p>
        </div>
      )}
      {s.state === 'error' && s.error && (
        <ErrorCallout message={s.error.message} title="What went wrong" level={3}>
          {s.error.rows.length > 0 && (
            <DataTable
              label="Rows the server rejected"
              rows={s.error.rows}
              rowKey={(_, i) => i}
              columns={[
                { header: 'Line', className: 'num', cell: (r) => r.line },
                { header: 'Field', cell: (r) => r.field },
                {
                  header: 'Problem',
                  className: 'error-message',
                  cell: (r) => (
                    <>
                      {r.message}
                      <span className="hint mono">{r.code}</span>
                    </>
                  ),
                },
              ]}
            />
          )}
          <button
            type="button"
            className="button primary"
            onClick={() => {
              newSend.setPrefill({ profile: s.profile, client: s.client, sourceMailingId: s.sourceMailingId, path: s.inputFile });
              navigate('new-send');
            }}
          >
            Correct and send again
          </button>
        </ErrorCallout>
      )}
      <dl className="facts">
        <dt>Client</dt>
        <dd>
          {s.client} <span className="muted">on {s.profile}</span>
        </dd>
        <dt>Source mailing</dt>
        <dd>
          {s.sourceMailingName} <span className="mono">({s.sourceMailingId})</span>
        </dd>
        <dt>Mailing ID</dt>
        <dd data-testid="mailing-id">
          {s.mailingId ? (
            <strong className="mono">{s.mailingId}</strong>
          ) : s.state === 'cancelled' ? (
            <span className="muted">none: the send was cancelled before anything was uploaded</span>
          ) : s.state === 'error' ? (
            <span className="muted">none: the server created no mailing</span>
          ) : (
            <span className="muted">not known yet (the server reports it after creating the mailing)</span>
          )}
        </dd>
        <dt>Recipients</dt>
        <dd>
          {plural(s.recipients, 'recipient')}
          {s.test ? ' (test recipients only)' : ''}
          {s.excluded > 0 ? `; ${plural(s.excluded, 'row')} left out` : ''}
        </dd>
        <dt>{s.state === 'scheduled' ? 'Due' : s.state === 'cancelled' ? 'Was due' : 'Queued for'}</dt>
        <dd>{formatDateTime(s.scheduledAt)}</dd>
        <dt>Files</dt>
        <dd className="mono small">
          {s.fileName}
          {s.productsFileName ? `, ${s.productsFileName}` : ''}
        </dd>
        <dt>Wave ID</dt>
        <dd className="mono small">{s.waveId}</dd>
        {s.state !== 'cancelled' && (
          <>
            <dt>Last checked</dt>
            <dd>{formatDateTime(s.lastCheckedAt)}</dd>
          </>
        )}
      </dl>
      {s.state === 'uploading' && s.progress && (
        <div className="progress-block" role="status">
          <progress aria-label="Upload progress" max={Math.max(1, s.progress.total)} value={s.progress.bytes} />
          <span className="small">
            {formatBytes(s.progress.bytes)} of {formatBytes(s.progress.total)} at {formatBytes(s.progress.rateBytesPerSec)}/s, about {formatSeconds(s.progress.etaSeconds)} left
          </span>
        </div>
      )}
      <h3 id="timeline-title">Timeline</h3>
      <p className="hint" id="timeline-clocks">
        Each time says whose clock it is: <em>server clock</em> times come from the server’s log file, read in the client’s time zone; <em>this computer</em> is when Loopdesk saw the step.
      </p>
      <ol className="timeline" aria-labelledby="timeline-title" aria-describedby="timeline-clocks">
        {s.timeline.map((e, i) => (
          <li key={i} className={`timeline-${STATE_TEXT[e.state].tone}`}>
            <span className="timeline-state">{STATE_TEXT[e.state].label}</span>
            <TimelineTimes event={e} />
            {e.message && <span className="timeline-message">{e.message}</span>}
          </li>
        ))}
      </ol>
      <div className="button-row">
        {/* A cancelled send never reached the server: there is nothing to check. */}
        {s.state !== 'cancelled' && (
          <button type="button" className="button" onClick={() => void checkNow()} disabled={checking}>
            {checking ? 'Checking…' : 'Check now'}
          </button>
        )}
        {canCancel(s.state) && (
          <button type="button" className="button danger-outline" onClick={() => setConfirmCancel(true)}>
            Cancel send
          </button>
        )}
        {message && (
          <span className="small muted" role="status">
            {message}
          </span>
        )}
      </div>
      {confirmCancel && (
        <ConfirmDialog
          title={`Cancel send ${s.id}?`}
          confirmLabel="Cancel the send"
          cancelLabel="Keep it"
          danger
          onClose={() => setConfirmCancel(false)}
          onConfirm={async () => {
            const r = await api.sends.cancel({ id: s.id });
            if (!r.ok) return r.error.message;
            props.onChanged(r.value);
            return null;
          }}
        >
          <p>
            Nothing has been uploaded yet. The {plural(s.recipients, 'recipient')} on {s.sourceMailingName} ({s.sourceMailingId}) will not get this mailing, and the source mailing is free for another send.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
