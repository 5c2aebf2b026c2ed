import { useSyncExternalStore } from 'react';
import { useReporter } from '../api/api-context';
import type { ProblemText } from '../api/error-reporting';
import { useI18n, type I18n } from '../i18n/use-i18n';

/** A problem's message in the language of the moment (the reporter keeps keys, not sentences). */
function problemMessage(i18n: I18n, message: ProblemText): React.ReactNode {
  if ('error' in message) return i18n.errorMessage(message.error);
  if ('fault' in message) return i18n.t('shell.problem.window.message', { detail: message.fault ?? i18n.t('shell.problem.unknownError') });
  return i18n.rich(message.id, { ...message.values, code: (c) => <code>{c}</code> });
}

/** Shows the problems the global handler caught, each one dismissible. */
export function ProblemBanner() {
  const reporter = useReporter();
  const i18n = useI18n();
  const { t } = i18n;
  const problems = useSyncExternalStore(
    (cb) => reporter.subscribe(cb),
    () => reporter.current(),
  );
  if (problems.length === 0) return null;
  return (
    <div className="problem-banner-stack">
      {problems.map((p) => (
        <div key={p.id} className="problem-banner" role="alert">
          <div>
            <strong>{t(p.title)}</strong>
            <p>{problemMessage(i18n, p.message)}</p>
          </div>
          <button type="button" className="button ghost" onClick={() => reporter.dismiss(p.id)} aria-label={t('shell.problem.dismissLabel', { title: t(p.title) })}>
            {t('shell.problem.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
