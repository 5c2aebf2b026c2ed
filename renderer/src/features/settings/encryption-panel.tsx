import { useEffect, useId, useState } from 'react';
import type { DataAtRest } from '../../../../shared/contract/app';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/use-i18n';

/** How long to wait for the restarted host before reloading anyway. */
const RESTART_WAIT_MS = 120_000;

/**
 * Encryption at rest, switched from here: the state now and after the next start, the switch
 * behind a confirmation that says what happens (the key goes into the system's secret store,
 * Loopdesk restarts, open windows reconnect), and, while the host restarts, a notice that
 * reloads the page once it answers again.
 */
export function EncryptionPanel(props: { current: DataAtRest; onChanged: () => Promise<void> }) {
  const api = useApi();
  const id = useId();
  const { t, rich, errorMessage } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [restarting, setRestarting] = useState(false);
  const { current } = props;
  const next = !current.encryptAfterRestart;
  const pending = current.encrypt !== current.encryptAfterRestart;

  useEffect(() => {
    if (!restarting) return;
    let live = true;
    const started = Date.now();
    const poll = async () => {
      // The old host answers until it closes; wait a moment before asking, then until it answers again.
      await new Promise((r) => setTimeout(r, 1500));
      while (live && Date.now() - started < RESTART_WAIT_MS) {
        const back = await fetch(window.location.href, { method: 'HEAD', cache: 'no-store' }).then((r) => r.ok, () => false);
        if (back) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (live) window.location.reload();
    };
    void poll();
    return () => {
      live = false;
    };
  }, [restarting]);

  const apply = async (): Promise<string | null> => {
    const r = await api.app.setEncryption({ encrypt: next });
    if (!r.ok) return errorMessage(r.error);
    if (r.value.restarting) setRestarting(true);
    else await props.onChanged();
    return null;
  };

  return (
    <section className="card settings-card" aria-labelledby={`${id}-encryption`}>
      <h2 id={`${id}-encryption`}>{t('encryption.title')}</h2>
      <p>{rich(current.encrypt ? 'encryption.stateOn' : 'encryption.stateOff', { b: (c) => <strong>{c}</strong> })}</p>
      {pending && (
        <p className="callout callout-warn" role="status">
          {t(current.encryptAfterRestart ? 'encryption.pendingOn' : 'encryption.pendingOff')}
        </p>
      )}
      <p className="hint">{t('encryption.explain')}</p>
      <div className="card-actions">
        <button type="button" className={next ? 'button primary' : 'button'} onClick={() => setConfirming(true)} disabled={restarting}>
          {t(next ? 'encryption.turnOn' : 'encryption.turnOff')}
        </button>
      </div>
      {restarting && (
        <p className="callout callout-ok" role="status" aria-live="polite">
          {t('encryption.restarting')}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={t(next ? 'encryption.confirmOnTitle' : 'encryption.confirmOffTitle')}
          confirmLabel={t(current.restartable ? (next ? 'encryption.confirmOnRestart' : 'encryption.confirmOffRestart') : next ? 'encryption.turnOn' : 'encryption.turnOff')}
          onConfirm={apply}
          onClose={() => setConfirming(false)}
        >
          <p>{t(next ? 'encryption.confirmOnBody' : 'encryption.confirmOffBody')}</p>
          <p>{t(current.restartable ? 'encryption.confirmRestart' : 'encryption.confirmNextStart')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
