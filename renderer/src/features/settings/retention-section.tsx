import { useId, useState } from 'react';
import type { DataAtRest, RetentionOutcome } from '../../../../shared/contract/app';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { useI18n, type I18n } from '../../i18n/use-i18n';

/** What applying retention deleted, in one sentence. */
function outcomeText(o: RetentionOutcome, { t, fmt }: I18n): string {
  if (o.cutoff === null) return t('settings.retention.off');
  const parts = [
    t('settings.retention.part.responseRows', { count: o.responseRows }),
    t('settings.retention.part.sends', { count: o.sends }),
    t('settings.retention.part.responseFiles', { count: o.responseFiles }),
    t('settings.retention.part.draftAndExportFiles', { count: o.draftAndExportFiles }),
    t('settings.retention.part.otherFiles', { count: o.otherFiles }),
    t('settings.retention.part.activity', { count: o.activity }),
  ];
  return t('settings.retention.deleted', { cutoff: fmt.dateTime(o.cutoff), parts: fmt.list(parts) });
}

/** How long personal data is kept: the current rule, a field to change it, and a confirmation before anything is deleted. */
export function RetentionSection(props: { current: DataAtRest; onChanged: () => Promise<unknown> }) {
  const api = useApi();
  const id = useId();
  const i18n = useI18n();
  const { t, rich, fmt, errorMessage } = i18n;
  // What the operator typed; null shows the stored value (after every load).
  const [typed, setDays] = useState<string | null>(null);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [outcome, setOutcome] = useState<RetentionOutcome | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const { current } = props;
  const days = typed ?? String(current.retentionDays);

  const parsed = /^\d{1,5}$/.test(days.trim()) ? Number(days.trim()) : null;
  const invalid = parsed === null || parsed > 36_500;
  const unchanged = parsed === current.retentionDays;

  const apply = async (value: number): Promise<AppErrorInfo | null> => {
    const r = await api.app.setRetention({ days: value });
    if (!r.ok) return r.error;
    setOutcome(r.value);
    await props.onChanged();
    setDays(null);
    setError(null);
    return null;
  };

  const save = async () => {
    if (parsed === null || invalid) return;
    setOutcome(null);
    // Turning retention on or shortening it deletes data: ask first. Keeping more never does.
    if (parsed > 0) setConfirming(parsed);
    else setError(await apply(0));
  };

  const b = (c: React.ReactNode[]) => <strong>{c}</strong>;
  return (
    <>
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {outcome && (
        <p className="callout callout-ok" role="status">
          {outcomeText(outcome, i18n)}
        </p>
      )}
      <section className="card settings-card" aria-labelledby={`${id}-retention`}>
        <h2 id={`${id}-retention`}>{t('settings.retention.title')}</h2>
        <p>
          {rich('settings.retention.now', {
            kept: current.retentionDays === 0 ? t('settings.retention.keptForever') : t('settings.retention.keptDays', { days: current.retentionDays }),
            b,
          })}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-days`}>{t('settings.retention.daysLabel')}</label>
            <input
              id={`${id}-days`}
              inputMode="numeric"
              value={days}
              aria-invalid={invalid}
              aria-describedby={`${id}-days-hint`}
              onChange={(e) => setDays(e.target.value)}
              style={{ maxWidth: '10rem' }}
            />
            <p className="hint" id={`${id}-days-hint`}>
              {invalid ? t('settings.retention.daysInvalid') : t('settings.retention.daysHint')}
            </p>
          </div>
          <button type="submit" className="button primary" disabled={invalid || unchanged}>
            {t('settings.retention.save')}
          </button>
        </form>
      </section>
      {confirming !== null && (
        <ConfirmDialog
          title={t('settings.retention.confirm.title', { days: confirming })}
          confirmLabel={t('settings.retention.confirm.ok', { days: confirming })}
          cancelLabel={t('settings.retention.confirm.cancel')}
          danger
          onConfirm={async () => {
            const problem = await apply(confirming);
            return problem ? errorMessage(problem) : null;
          }}
          onClose={() => setConfirming(null)}
        >
          <p>{rich('settings.retention.confirm.body', { cutoff: fmt.dateTime(new Date(Date.now() - confirming * 86_400_000).toISOString()), b })}</p>
          <p>{t('settings.retention.confirm.kept')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
