import type { MessageId } from '../../../shared/i18n/messages';
import { useI18n } from '../i18n/use-i18n';

/** Why the window cannot reach its host, as a catalog key and its values. */
export interface ConnectionProblem {
  readonly id: MessageId;
  readonly values?: Record<string, string | number>;
}

/** Full-window message when the window cannot reach its host at all. */
export function ConnectionFailure(props: { problem: ConnectionProblem }) {
  const { t, rich } = useI18n();
  return (
    <main className="connection-failure" id="main">
      <h1>{t('shell.failure.title')}</h1>
      <p role="alert">{rich(props.problem.id, { ...props.problem.values, code: (c) => <code>{c}</code> })}</p>
    </main>
  );
}
