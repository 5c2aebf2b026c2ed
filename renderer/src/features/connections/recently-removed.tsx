import { useCallback, useState } from 'react';
import { REMOVED_PROFILE_DAYS, type Profile, type RemovedProfile } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi, useHostEvent } from '../../api/api-context';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';

/**
 * "Recently removed", below the profiles: each removed connection for 30 days with who removed it
 * and when, whether this workstation kept its password, and a Restore button. Hidden while empty.
 * `reloadKey` changes after a removal or restore on this screen; team changes reload it too.
 */
export function RecentlyRemoved(props: { readonly reloadKey: number; readonly teamMode: boolean; readonly onRestored: (p: Profile) => void }) {
  const api = useApi();
  const { t } = useI18n();
  const load = useCallback(async () => api.profiles.removed({}), [api]);
  const { value: removed, reload } = useLoad<readonly RemovedProfile[]>(load, props.reloadKey);
  // Team mode: a removal or restore on another workstation shows here at once.
  useHostEvent('profiles.onTeamChange', () => void reload());
  if (!removed || removed.length === 0) return null;
  return (
    <section className="recently-removed" aria-labelledby="recently-removed-title" style={{ marginTop: '2rem' }}>
      <h2 id="recently-removed-title">{t('connections.removed.title')}</h2>
      <p className="lead">{t('connections.removed.lead', { days: REMOVED_PROFILE_DAYS })}</p>
      {props.teamMode && <p className="lead">{t('connections.removed.teamNote')}</p>}
      <ul className="profile-list" aria-label={t('connections.removed.title')}>
        {removed.map((r) => (
          <RemovedCard key={r.id} removed={r} teamMode={props.teamMode} onRestored={(p) => (props.onRestored(p), void reload())} />
        ))}
      </ul>
    </section>
  );
}

function RemovedCard(props: { readonly removed: RemovedProfile; readonly teamMode: boolean; readonly onRestored: (p: Profile) => void }) {
  const api = useApi();
  const { t, fmt, errorMessage } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const r = props.removed;
  const headingId = `removed-${r.id}`;
  const at = Date.parse(r.removedAt);
  // Team mode names the workstation (this one, or a colleague's); alone, the operator's user name.
  const when = !r.removedBy
    ? t('connections.removed.when', { at })
    : props.teamMode && r.removedHere
      ? t('connections.removed.whenByHere', { by: r.removedBy, at })
      : t('connections.removed.whenBy', { by: r.removedBy, at });
  const restore = async () => {
    setBusy(true);
    setError(null);
    const result = await api.profiles.restore({ name: r.name, id: r.id });
    setBusy(false);
    if (result.ok) props.onRestored(result.value);
    else setError(result.error);
  };
  return (
    <li className="card profile-card removed-card" aria-labelledby={headingId} data-testid="removed-profile">
      <div className="profile-head">
        <div>
          <h3 id={headingId} className="profile-name">
            {r.name} {r.shared && <span className="badge">{t('connections.removed.shared')}</span>}
          </h3>
          <p className="profile-address">
            <code>{t('connections.card.address', { user: r.user, host: r.host, port: String(r.port) })}</code>
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="button" disabled={busy} onClick={() => void restore()} aria-label={t('connections.removed.restoreLabel', { name: r.name })}>
            {t('connections.removed.restore')}
          </button>
        </div>
      </div>
      <p className="hint">{when}</p>
      <p className="hint">{t('connections.removed.clients', { count: r.clients.length, clients: fmt.list(r.clients) })}</p>
      <p className="hint">{t(r.secretKept ? 'connections.removed.secretKept' : 'connections.removed.noSecret')}</p>
      <p className="hint">{t('connections.removed.purgeAt', { at: Date.parse(r.purgeAt) })}</p>
      {error && (
        <div className="callout callout-error" role="alert">
          <p>{errorMessage(error)}</p>
        </div>
      )}
    </li>
  );
}
