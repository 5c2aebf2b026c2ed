import { useId, useState } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { Send } from '../../../../shared/contract/sends';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { useI18n } from '../../i18n/use-i18n';

/** Team mode: "from <workstation>" beside a send another workstation started. */
export function SendOrigin(props: { send: Send }) {
  const { t } = useI18n();
  const origin = props.send.origin;
  if (!origin || origin.mine) return null;
  return (
    <span className="badge badge-state-plain" data-testid="send-origin">
      {t('team.origin', { name: origin.name })}
    </span>
  );
}

/**
 * Four-eyes approval of a send (team mode): who decided, and, while it waits, approve or reject
 * for any member but the one who started it. A real send of a four-eyes client uploads only after
 * another member approved it; the team database refuses the starter's own decision as well.
 */
export function ApprovalPanel(props: { send: Send; onChanged: (s: Send) => void }) {
  const { t, rich, fmt, errorMessage } = useI18n();
  const api = useApi();
  const id = useId();
  const s = props.send;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);
  const b = (c: React.ReactNode[]) => <strong>{c}</strong>;

  if (s.state !== 'awaiting_approval' && !s.approval) return null;
  if (s.approval) {
    const at = fmt.dateTime(s.approval.at);
    const by = s.approval.by;
    return (
      <p className="note approval-decision" data-testid="approval-decision">
        {s.approval.decision === 'approved'
          ? rich('team.approval.approvedBy', { name: by, at, b })
          : s.approval.reason
            ? rich('team.approval.rejectedBy', { name: by, at, reason: s.approval.reason, b })
            : rich('team.approval.rejectedByNoReason', { name: by, at, b })}
      </p>
    );
  }

  const reject = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.sends.reject({ id: s.id, reason: reason.trim() });
      if (!r.ok) return setError(r.error);
      props.onChanged(r.value);
    } finally {
      setBusy(false);
    }
  };
  const mine = s.origin?.mine ?? true;
  return (
    <section className="callout callout-info approval-panel" aria-labelledby={`${id}-title`} data-testid="approval-panel">
      <h3 id={`${id}-title`}>{t('team.approval.title')}</h3>
      {mine ? (
        <p>{t('team.approval.waitingMine')}</p>
      ) : (
        <>
          <p>{rich('team.approval.waitingOther', { name: s.origin?.name ?? '', b })}</p>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('team.approval.reason')}</label>
            <textarea id={`${id}-reason`} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="button-row">
            <button type="button" className="button primary" disabled={busy} onClick={() => setConfirming(true)}>
              {t('team.approval.approve')}
            </button>
            <button type="button" className="button danger" disabled={busy} onClick={() => void reject()}>
              {t('team.approval.reject')}
            </button>
          </div>
        </>
      )}
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {confirming && (
        <ConfirmDialog
          title={t('team.approval.confirmTitle')}
          confirmLabel={t('team.approval.confirm')}
          cancelLabel={t('team.dialog.cancel')}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const r = await api.sends.approve({ id: s.id });
            if (!r.ok) return errorMessage(r.error);
            props.onChanged(r.value);
            return null;
          }}
        >
          <p>{t('team.approval.confirmBody', { count: s.recipients, mailing: s.sourceMailingName, client: s.client, name: s.origin?.name ?? '' })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
