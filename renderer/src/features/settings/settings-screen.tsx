import { useCallback, useId, useState } from 'react';
import type { DataAtRest, RetentionOutcome } from '../../../../shared/contract/app';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDateTime } from '../../components/format';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { TeamPanel } from './team-panel';

/** What a number of days means, in words. */
function keptFor(days: number): string {
  return days === 0 ? 'kept until you delete it' : `kept for ${days} day${days === 1 ? '' : 's'}`;
}

/** What applying retention deleted, in one sentence. */
function outcomeText(o: RetentionOutcome): string {
  if (o.cutoff === null) return 'Retention is off: personal data is kept until you delete it.';
  const parts = [
    `${o.responseRows} response rows`,
    `${o.sends} finished sends with their archives`,
    `${o.responseFiles} downloaded response files`,
    `${o.draftAndExportFiles} resend drafts and Excel exports`,
    `${o.otherFiles} rejected-row files, uploaded spreadsheets and scratch files`,
    `${o.activity} activity entries`,
  ];
  return `Saved. Deleted everything from before ${formatDateTime(o.cutoff)}: ${parts.join(', ')}. From now on this runs after every pull.`;
}

/** Settings of this data dir: how long personal data is kept, and whether it is encrypted. */
export function SettingsScreen() {
  const api = useApi();
  const id = useId();
  // What the operator typed; null shows the stored value (after every load).
  const [typed, setDays] = useState<string | null>(null);
  const [actionError, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);

  const loadDataAtRest = useCallback(async () => api.app.dataAtRest({}), [api]);
  const { value: current, error: loadError, reload } = useLoad<DataAtRest>(loadDataAtRest);
  const days = typed ?? (current ? String(current.retentionDays) : '');
  const error = actionError ?? loadError?.message ?? null;
  const load = async () => {
    await reload();
    setDays(null);
    setError(null);
  };

  const parsed = /^\d{1,5}$/.test(days.trim()) ? Number(days.trim()) : null;
  const invalid = parsed === null || parsed > 36_500;
  const unchanged = current !== null && parsed === current.retentionDays;

  const apply = async (value: number): Promise<string | null> => {
    const r = await api.app.setRetention({ days: value });
    if (!r.ok) return r.error.message;
    setNotice(outcomeText(r.value));
    await load();
    return null;
  };

  const save = async () => {
    if (parsed === null || invalid) return;
    setNotice(null);
    // Turning retention on or shortening it deletes data: ask first. Keeping more never does.
    if (parsed > 0) setConfirming(parsed);
    else {
      const problem = await apply(0);
      if (problem) setError(problem);
    }
  };

  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">Settings</h1>
        <p className="lead">How long Loopdesk keeps the personal data it holds on this computer: response data, sends and their archived files, downloaded response files, resend drafts and Excel exports in its data folder, and the activity log.</p>
      </header>
      <ErrorCallout message={error} />
      {notice && (
        <p className="callout callout-ok" role="status">
          {notice}
        </p>
      )}
      {current && (
        <section className="card settings-card" aria-labelledby={`${id}-retention`}>
          <h2 id={`${id}-retention`}>Data retention</h2>
          <p>
            Personal data is now <strong>{keptFor(current.retentionDays)}</strong>.
          </p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <div className="field">
              <label htmlFor={`${id}-days`}>Keep personal data for (days)</label>
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
                {invalid
                  ? 'Enter a whole number of days from 0 to 36500.'
                  : '0 keeps everything. Older data is deleted when you save and again after every pull. Sends still under way and the suppression list are always kept.'}
              </p>
            </div>
            <button type="submit" className="button primary" disabled={invalid || unchanged}>
              Save retention
            </button>
          </form>
        </section>
      )}
      {current && (
        <section className="card settings-card" aria-labelledby={`${id}-encryption`}>
          <h2 id={`${id}-encryption`}>Encryption at rest</h2>
          <p>
            The data file and the send archive are <strong>{current.encrypt ? 'encrypted' : 'not encrypted'}</strong>.{' '}
            {current.encrypt ? 'The key is kept in the operating system’s secret store.' : 'To encrypt them, quit Loopdesk and run'}
          </p>
          {!current.encrypt && (
            <p>
              <code>loopdesk settings set encrypt true</code> — it takes effect at the next start.
            </p>
          )}
        </section>
      )}
      <TeamPanel />
      {confirming !== null && (
        <ConfirmDialog
          title={`Delete personal data older than ${confirming} days?`}
          confirmLabel={`Delete and keep ${confirming} days`}
          danger
          onConfirm={() => apply(confirming)}
          onClose={() => setConfirming(null)}
        >
          <p>
            Response rows, finished sends with their archived files, downloaded response files, resend drafts, Excel exports in Loopdesk’s data folder and activity entries from before{' '}
            <strong>{formatDateTime(new Date(Date.now() - confirming * 86_400_000).toISOString())}</strong> are deleted now, and older data again after every pull. Deleted data cannot be brought back.
          </p>
          <p>Sends still under way and the suppression list are kept.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
