import { useState } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { Send } from '../../../../shared/contract/sends';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { navigate } from '../../routes';
import { useNewSendSession } from '../new-send/handoff';
import { canCancel, SERVER_PROBLEM_LABELS, STATE_EXPLAIN, STATE_LABELS, STATE_TONE } from './send-states';
import { SendStep } from './send-step';
import { SendTimeline } from './send-timeline';
import { useSendTexts } from './use-send-texts';
import { ApprovalPanel } from './approval-panel';
import { HeldPanel } from './held-panel';

/** A send's state as a coloured badge. */
export function StateBadge(props: { send: Send; testId?: string }) {
  const { t } = useSendTexts();
  return (
    <span className={`badge badge-state-${props.send.held ? 'error' : STATE_TONE[props.send.state]}`} data-testid={props.testId}>
      {t(props.send.held ? 'sends.held.badge' : STATE_LABELS[props.send.state])}
    </span>
  );
}

/** What "Check now" last said: the time of a good check, or the error of a failed one. */
type CheckNote = { readonly at: number } | { readonly error: AppErrorInfo };

/** Why the send failed, the rows the server rejected, and the way to send it again. */
function SendFailure(props: { send: Send }) {
  const { t } = useSendTexts();
  const newSend = useNewSendSession();
  const s = props.send;
  if (s.state !== 'error' || !s.error) return null;
  // ErrorCallout's markup, with the message as nodes: the server's own words inside it are marked as English.
  return (
    <div className="callout callout-error" role="alert">
      <h3>{t('sends.error.title')}</h3>
      <SendStep text={s.error.text} english={s.error.message} origin={s.origin} layout="callout" />
      {s.error.rows.length > 0 && (
        <DataTable
          label={t('sends.rows.label')}
          rows={s.error.rows}
          rowKey={(_, i) => i}
          columns={[
            { header: t('sends.rows.line'), className: 'num', cell: (r) => r.line },
            { header: t('sends.rows.field'), cell: (r) => r.field },
            {
              header: t('sends.rows.problem'),
              className: 'error-message',
              cell: (r) => (
                <>
                  {SERVER_PROBLEM_LABELS[r.code] ? t(SERVER_PROBLEM_LABELS[r.code]) : r.message}
                  {/* The server's own words, as it wrote them (data, usually English). */}
                  {SERVER_PROBLEM_LABELS[r.code] && r.message && (
                    <span className="hint server-words" lang="en">
                      {r.message}
                    </span>
                  )}
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
        {t('sends.correct')}
      </button>
    </div>
  );
}

/** The facts of a send: where it went, what it carries, and when. */
function SendFacts(props: { send: Send }) {
  const { t, fmt } = useSendTexts();
  const s = props.send;
  return (
    <dl className="facts">
      <dt>{t('sends.fact.client')}</dt>
      <dd>
        {s.client} <span className="muted">{t('sends.fact.onProfile', { profile: s.profile })}</span>
      </dd>
      <dt>{t('sends.fact.sourceMailing')}</dt>
      <dd>
        {s.sourceMailingName} <span className="mono">{t('sends.fact.sourceMailingId', { id: s.sourceMailingId })}</span>
      </dd>
      <dt>{t('sends.fact.mailingId')}</dt>
      <dd data-testid="mailing-id">
        {s.mailingId ? (
          <strong className="mono">{s.mailingId}</strong>
        ) : (
          <span className="muted">{t(s.state === 'cancelled' ? 'sends.mailingId.cancelled' : s.state === 'error' ? 'sends.mailingId.error' : 'sends.mailingId.pending')}</span>
        )}
      </dd>
      <dt>{t('sends.fact.recipients')}</dt>
      <dd>{t('sends.fact.recipientsValue', { count: s.recipients, test: s.test ? 'yes' : 'no', excluded: s.excluded })}</dd>
      <dt>{t(s.state === 'scheduled' ? 'sends.fact.due' : s.state === 'cancelled' ? 'sends.fact.wasDue' : 'sends.fact.queuedFor')}</dt>
      <dd>{fmt.dateTime(s.scheduledAt, { seconds: true })}</dd>
      <dt>{t('sends.fact.files')}</dt>
      <dd className="mono small file-names">
        <span>{s.fileName}</span>
        {s.productsFileName && <span>{s.productsFileName}</span>}
      </dd>
      <dt>{t('sends.fact.waveId')}</dt>
      <dd className="mono small">{s.waveId}</dd>
      {s.state !== 'cancelled' && (
        <>
          <dt>{t('sends.fact.lastChecked')}</dt>
          <dd>{fmt.dateTime(s.lastCheckedAt, { seconds: true })}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * The detail panel: facts, progress, timeline, server errors and the actions that apply. Each
 * part is its own component, so a new panel (team approval) slots in as one more line here.
 */
export function SendDetail(props: { send: Send; onChanged: (s: Send) => void }) {
  const api = useApi();
  const { t, rich, fmt, errorMessage } = useSendTexts();
  const s = props.send;
  const [checking, setChecking] = useState(false);
  const [note, setNote] = useState<CheckNote | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const checkNow = async () => {
    setChecking(true);
    setNote(null);
    try {
      const r = await api.sends.refresh({ id: s.id });
      if (!r.ok) return setNote({ error: r.error });
      for (const x of r.value) props.onChanged(x);
      setNote({ at: Date.now() });
    } finally {
      setChecking(false);
    }
  };

  return (
    <section className="card send-detail" aria-labelledby="send-detail-title">
      <header className="detail-head">
        <h2 id="send-detail-title">{t(s.test ? 'sends.detail.titleTest' : 'sends.detail.title', { id: s.id })}</h2>
        <StateBadge send={s} testId="send-state" />
      </header>
      <p className="muted">{s.held?.workstation ? t('sends.held.explainElsewhere', { workstation: s.held.workstation }) : t(s.held ? 'sends.held.explain' : STATE_EXPLAIN[s.state])}</p>
      <ApprovalPanel send={s} onChanged={props.onChanged} />
      <HeldPanel send={s} onChanged={props.onChanged} />
      {s.serverHalted && (
        <div className="callout callout-danger" role="alert">
          <h3>{t('sends.halted.title')}</h3>
          <p>{t('sends.halted.body')}</p>
        </div>
      )}
      <SendFailure send={s} />
      <SendFacts send={s} />
      {s.state === 'uploading' && s.progress && (
        <div className="progress-block" role="status">
          <progress aria-label={t('sends.progress.label')} max={Math.max(1, s.progress.total)} value={s.progress.bytes} />
          <span className="small">
            {t('sends.progress.text', {
              done: fmt.bytes(s.progress.bytes),
              total: fmt.bytes(s.progress.total),
              rate: fmt.bytes(s.progress.rateBytesPerSec),
              eta: fmt.duration(s.progress.etaSeconds),
            })}
          </span>
        </div>
      )}
      <SendTimeline timeline={s.timeline} origin={s.origin} />
      <div className="button-row">
        {/* A cancelled send never reached the server: there is nothing to check. */}
        {s.state !== 'cancelled' && (
          <button type="button" className="button" onClick={() => void checkNow()} disabled={checking}>
            {t(checking ? 'sends.checking' : 'sends.checkNow')}
          </button>
        )}
        {/* Once the server named the mailing, its responses are the next step (the first-run guide says so). */}
        {s.mailingId && (
          <button type="button" className="button primary" onClick={() => navigate('responses', `report/${s.mailingId}`)}>
            {t('sends.showResponses')}
          </button>
        )}
        {canCancel(s.state) && (
          <button type="button" className="button danger-outline" onClick={() => setConfirmCancel(true)}>
            {t('sends.cancel')}
          </button>
        )}
        {note && (
          <span className="small muted" role="status">
            {'error' in note ? errorMessage(note.error) : t('sends.checkedAt', { time: fmt.time(note.at, { seconds: true }) })}
          </span>
        )}
      </div>
      {confirmCancel && (
        <ConfirmDialog
          title={t('sends.cancel.title', { id: s.id })}
          confirmLabel={t('sends.cancel.confirm')}
          cancelLabel={t('sends.cancel.keep')}
          danger
          onClose={() => setConfirmCancel(false)}
          onConfirm={async () => {
            const r = await api.sends.cancel({ id: s.id });
            if (!r.ok) return errorMessage(r.error);
            props.onChanged(r.value);
            return null;
          }}
        >
          <p>{rich('sends.cancel.body', { count: s.recipients, mailing: s.sourceMailingName, id: s.sourceMailingId })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
