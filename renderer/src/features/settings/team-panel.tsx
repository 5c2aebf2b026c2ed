import { useCallback, useEffect, useId } from 'react';
import type { TeamStatus } from '../../../../shared/contract/team';
import { useApi } from '../../api/api-context';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';

/** How often the panel asks again while open, so "who else is active" stays current. */
const REFRESH_MS = 30_000;

/**
 * Settings: the team connection (team mode on PostgreSQL). Its URL (never a password), whether
 * the database answers (and why not), and which workstations were active in the last minutes.
 */
export function TeamPanel() {
  const api = useApi();
  const { t, fmt, errorMessage } = useI18n();
  const id = useId();
  const load = useCallback(() => api.team.status({}), [api]);
  const { value: status, error, reload } = useLoad<TeamStatus>(load);
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <section className="card settings-card team-panel" aria-labelledby={`${id}-team`} data-testid="team-panel">
      <h2 id={`${id}-team`}>{t('team.panel.title')}</h2>
      <ErrorCallout message={error ? errorMessage(error) : null} />
      {status?.state === 'alone' && <p>{t('team.panel.alone')}</p>}
      {status && status.state !== 'alone' && (
        <>
          <dl className="facts">
            <dt>{t('team.panel.url')}</dt>
            <dd className="mono" data-testid="team-url">
              {status.url}
            </dd>
            <dt>{t('team.panel.workstation')}</dt>
            <dd>{status.workstation}</dd>
            <dt>{t('team.panel.state')}</dt>
            <dd>
              <span className={`badge ${status.state === 'connected' ? 'badge-state-ok' : 'badge-state-error'}`} data-testid="team-state">
                {status.state === 'connected' ? t('team.panel.connected') : t('team.panel.unreachable')}
              </span>
            </dd>
          </dl>
          {status.problem && <ErrorCallout message={errorMessage({ code: 'TEAM_UNAVAILABLE', ...status.problem })} />}
          {status.state === 'connected' && (
            <>
              <h3>{t('team.panel.active')}</h3>
              {status.workstations.length === 0 ? (
                <p className="muted">{t('team.panel.activeNone')}</p>
              ) : (
                <ul data-testid="team-workstations">
                  {status.workstations.map((w) => (
                    <li key={`${w.name}-${w.lastSeen}`}>{t(w.me ? 'team.panel.you' : 'team.panel.seen', { name: w.name, at: fmt.dateTime(w.lastSeen) })}</li>
                  ))}
                </ul>
              )}
            </>
          )}
          <button type="button" className="button" onClick={() => void reload()}>
            {t('team.panel.check')}
          </button>
        </>
      )}
    </section>
  );
}
