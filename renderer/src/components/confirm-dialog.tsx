import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/use-i18n';
import { ErrorCallout } from './error-callout';

/**
 * A modal confirmation: nothing happens until the operator presses the confirm button.
 * Escape or the cancel button closes it; an error from `onConfirm` stays inside the dialog
 * so the operator can read it and decide.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  /** Resolve to close; return an error message to keep the dialog open and show it. */
  onConfirm: () => Promise<string | null | void>;
  onClose: () => void;
  wide?: boolean;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const problem = await props.onConfirm();
      if (problem) setError(problem);
      else props.onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} className={`dialog${props.wide ? ' dialog-wide' : ''}`} aria-labelledby={titleId} onClose={props.onClose}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <ErrorCallout message={error} />
      <div className="button-row end">
        <button type="button" className="button" onClick={() => ref.current?.close()} disabled={busy}>
          {props.cancelLabel ?? t('common.cancel')}
        </button>
        <button type="button" className={`button ${props.danger ? 'danger' : 'primary'}`} onClick={() => void confirm()} disabled={busy}>
          {busy ? t('common.working') : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
