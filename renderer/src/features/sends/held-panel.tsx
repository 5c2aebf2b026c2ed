import { useId, useState } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { Send } from '../../../../shared/contract/sends';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { useI18n } from '../../i18n/use-i18n';
import { useSendTexts } from './use-send-texts';

/**
 * A send held before its upload because the server already has a file under its own name
 * (`Send.held`; main/services/sends/own-name-check.ts): the operator says whether that file is
 * this send (follow it: nothing is uploaded) or another one (upload under a new name, confirmed
 * first, since a wrong answer sends the mailing twice). Following is the safe answer, so it is the
 * first button.
 */
export function HeldPanel(props: { send: Send; onChanged: (s: Send) => void }) {
  const { t, rich, fmt, errorMessage } = useI18n();
  const api = useApi();
  const id = useId();
  const s = props.send;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);
  const b = (c: React.ReactNode[]) => <strong className="mono">{c}</strong>;
  if (!s.held) return null;
  const held = s.held;
  if (held.workstation !== null) return <HeldElsewhere send={s} workstation={held.workstation} />;

  const follow = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.sends.resolveHold({ id: s.id, choice: 'isThisSend' });
      if (!r.ok) return setError(r.error);
      props.onChanged(r.value);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="callout callout-warn held-panel" role="alert" aria-labelledby={`${id}-title`} data-testid="held-panel">
      <h3 id={`${id}-title`}>{t('sends.held.title')}</h3>
      <p>{held.since ? rich('sends.held.body', { file: held.file, at: fmt.dateTime(held.since), b }) : rich('sends.held.bodyNoTime', { file: held.file, b })}</p>
      <p>{t('sends.held.check', { file: held.file })}</p>
      <div className="button-row">
        <button type="button" className="button primary" disabled={busy} onClick={() => void follow()}>
          {t('sends.held.isThisSend')}
        </button>
        <button type="button" className="button danger-outline" disabled={busy} onClick={() => setConfirming(true)}>
          {t('sends.held.notThisSend')}
        </button>
      </div>
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {confirming && (
        <ConfirmDialog
          title={t('sends.held.confirmTitle', { id: s.id })}
          confirmLabel={t('sends.held.confirm')}
          cancelLabel={t('sends.held.keep')}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const r = await api.sends.resolveHold({ id: s.id, choice: 'notThisSend' });
            if (!r.ok) return errorMessage(r.error);
            props.onChanged(r.value);
            return null;
          }}
        >
          <p>{t('sends.held.confirmBody', { count: s.recipients, mailing: s.sourceMailingName, file: held.file })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/**
 * Team mode: another workstation's send, held there (`Send.held.workstation`). Its step says why,
 * marked as that workstation's; only that workstation can answer, because the answer needs the
 * send's files, which it keeps (main/services/sends/team-send-view.ts). So no buttons here: the
 * panel says where the answer is given, and the timeline shows it once given.
 */
function HeldElsewhere(props: { send: Send; workstation: string }) {
  const { t, rich, stepNode } = useSendTexts();
  const id = useId();
  const s = props.send;
  // Worded for another workstation (team-send-view.ts); the step's own wording on a send from before that.
  const step = s.timeline.findLast((e) => e.text?.id === 'sends.step.heldOwnName.elsewhere' || e.text?.id === 'sends.step.heldOwnName');
  const code = (c: React.ReactNode[]) => <code className="small">{c}</code>;
  return (
    <section className="callout callout-warn held-panel" role="status" aria-labelledby={`${id}-title`} data-testid="held-panel">
      <h3 id={`${id}-title`}>{t('sends.held.elsewhere.title', { workstation: props.workstation })}</h3>
      {step && (
        <figure className="held-step">
          <figcaption className="small muted">{t('sends.held.elsewhere.step', { workstation: props.workstation })}</figcaption>
          <blockquote data-testid="held-step">{stepNode(step.text, step.message)}</blockquote>
        </figure>
      )}
      <p data-testid="held-waits">{rich('sends.held.elsewhere.waits', { workstation: props.workstation, id: s.id, code })}</p>
    </section>
  );
}
