import { useCallback, useEffect, useState } from 'react';
import type { Profile, ProfileTeam } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi, useHostEvent } from '../../api/api-context';
import { navigate, routeParam } from '../../routes';
import { FirstRunGuide } from '../shell/first-run';
import { ConnectionTestPanel, useConnectionTest } from './connection-test';
import { draftFromProfile, emptyProfileDraft, type ProfileDraft } from './profile-draft';
import { ProfileForm } from './profile-form';
import { ConflictDialog } from './conflict-dialog';
import { RecentlyRemoved } from './recently-removed';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';
import type { MessageId } from '../../../../shared/i18n/messages';

type Mode = { readonly kind: 'list' } | { readonly kind: 'form'; readonly draft: ProfileDraft; readonly editing: boolean };

/** Where a profile's password or key is kept, in words. */
const SECRET_STORE_LABEL: Record<Profile['secretStore'], MessageId> = {
  keyring: 'connections.card.secret.keyring',
  safeStorage: 'connections.card.secret.safeStorage',
  env: 'connections.card.secret.env',
  session: 'connections.card.secret.session',
  none: 'connections.card.secret.none',
};

/** Team mode: where a profile stands with the team, in words. */
const TEAM_STATE_TEXT: Record<ProfileTeam['state'], MessageId> = {
  local: 'connections.team.state.local',
  shared: 'connections.team.state.shared',
  pending: 'connections.team.state.pending',
  conflict: 'connections.team.state.conflict',
};

/** A notice after saving, removing or restoring, kept as its key so a language switch re-renders it. */
type Notice = {
  readonly id: 'connections.notice.saved' | 'connections.notice.removed' | 'connections.notice.restored' | 'connections.notice.reloaded' | 'connections.notice.keptMine';
  readonly name: string;
  /** Restored: whether it came back on every workstation of the team. */
  readonly shared?: boolean;
};

/** Connection profiles: list, add, edit, test (with host-key trust) and remove. */
export function ConnectionsScreen() {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [removing, setRemoving] = useState<Profile | null>(null);
  // Bumped by a removal here, so "Recently removed" shows it at once.
  const [removals, setRemovals] = useState(0);

  const list = useCallback(async () => api.profiles.list({}), [api]);
  const { value: profiles, error: loadError, reload, setValue: setProfiles } = useLoad<readonly Profile[]>(list);
  // Team mode: another member's change to a shared profile shows at once.
  useHostEvent('profiles.onTeamChange', () => void reload());
  const teamStatus = useCallback(async () => api.team.status({}), [api]);
  const { value: team } = useLoad(teamStatus);
  const teamMode = team !== null && team.state !== 'alone';

  // `#/connections/add` (the first-run guide) opens the form for a new connection.
  useEffect(() => {
    const openAdd = () => {
      if (routeParam(window.location.hash) !== 'add') return;
      setMode({ kind: 'form', draft: emptyProfileDraft(), editing: false });
      navigate('connections');
    };
    openAdd();
    window.addEventListener('hashchange', openAdd);
    return () => window.removeEventListener('hashchange', openAdd);
  }, []);

  const replaceProfile = (p: Profile) => setProfiles((prev) => (prev ?? []).map((x) => (x.name === p.name ? p : x)));

  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header with-actions">
        <div>
          <h1 id="screen-title">{t('connections.title')}</h1>
          <p className="lead">{t('connections.lead')}</p>
        </div>
        {mode.kind === 'list' && (
          <button type="button" className="button primary" onClick={() => (setNotice(null), setMode({ kind: 'form', draft: emptyProfileDraft(), editing: false }))}>
            {t('connections.add')}
          </button>
        )}
      </header>
      {mode.kind === 'list' && <FirstRunGuide />}

      {notice && (
        <div className="callout callout-ok notice" role="status">
          <span>{t(notice.id, { name: notice.name, shared: notice.shared ? 'yes' : 'no' })}</span>
          <button type="button" className="button ghost" onClick={() => setNotice(null)} aria-label={t('connections.notice.dismissLabel')}>
            {t('connections.notice.dismiss')}
          </button>
        </div>
      )}

      {mode.kind === 'form' ? (
        <ProfileForm
          initial={mode.draft}
          editing={mode.editing}
          teamMode={teamMode}
          onCancel={() => setMode({ kind: 'list' })}
          onSaved={(p, kept) => {
            setNotice({ id: kept ? 'connections.notice.keptMine' : 'connections.notice.saved', name: p.name });
            setMode({ kind: 'list' });
            void reload();
          }}
        />
      ) : loadError ? (
        <ErrorCallout message={errorMessage(loadError)} title={t('connections.loadFailed')}>
          <button type="button" className="button" onClick={() => void reload()}>
            {t('connections.tryAgain')}
          </button>
        </ErrorCallout>
      ) : profiles === null ? (
        <p role="status">{t('connections.loading')}</p>
      ) : profiles.length === 0 ? (
        <div className="empty-state">
          <h2>{t('connections.empty.title')}</h2>
          <p>{t('connections.empty.body')}</p>
        </div>
      ) : (
        <ul className="profile-list" aria-label={t('connections.title')}>
          {profiles.map((p) => (
            <ProfileCard
              key={p.name}
              profile={p}
              onChanged={replaceProfile}
              onReloaded={(p) => (replaceProfile(p), setNotice({ id: 'connections.notice.reloaded', name: p.name }))}
              onKeptMine={(p) => (replaceProfile(p), setNotice({ id: 'connections.notice.keptMine', name: p.name }))}
              onEdit={() => (setNotice(null), setMode({ kind: 'form', draft: draftFromProfile(p), editing: true }))}
              onRemove={() => setRemoving(p)}
            />
          ))}
        </ul>
      )}

      {mode.kind === 'list' && (
        <RecentlyRemoved
          reloadKey={removals}
          teamMode={teamMode}
          onRestored={(p) => {
            setNotice({ id: 'connections.notice.restored', name: p.name, shared: p.team?.shared ?? false });
            void reload();
          }}
        />
      )}

      {removing && (
        <RemoveDialog
          profile={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(name) => {
            setRemoving(null);
            setNotice({ id: 'connections.notice.removed', name });
            setRemovals((n) => n + 1);
            void reload();
          }}
        />
      )}
    </section>
  );
}

function ProfileCard(props: { profile: Profile; onChanged: (p: Profile) => void; onReloaded: (p: Profile) => void; onKeptMine: (p: Profile) => void; onEdit: () => void; onRemove: () => void }) {
  const p = props.profile;
  const { t } = useI18n();
  const test = useConnectionTest(p, props.onChanged);
  const headingId = `profile-${p.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li className="card profile-card" aria-labelledby={headingId}>
      <div className="profile-head">
        <div>
          <h2 id={headingId} className="profile-name">
            {p.name} {p.sandbox && <span className="badge badge-sandbox">{t('connections.card.sandbox')}</span>}
          </h2>
          <p className="profile-address">
            <code>{t('connections.card.address', { user: p.user, host: p.host, port: String(p.port) })}</code>
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => void test.run()} disabled={test.state.kind === 'running'} aria-label={t('connections.card.testLabel', { name: p.name })}>
            {t('connections.card.test')}
          </button>
          <button type="button" className="button" onClick={props.onEdit} aria-label={t('connections.card.editLabel', { name: p.name })}>
            {t('connections.card.edit')}
          </button>
          <button type="button" className="button danger-outline" onClick={props.onRemove} aria-label={t('connections.card.removeLabel', { name: p.name })}>
            {t('connections.card.remove')}
          </button>
        </div>
      </div>
      {p.sandbox && (
        <p className="note">{t('connections.card.sandboxNote')}</p>
      )}
      <dl className="facts compact">
        <dt>{t('connections.card.signIn')}</dt>
        <dd>
          {p.secretAvailable ? (
            t('connections.card.signInStored', { kind: p.authKind, where: t(SECRET_STORE_LABEL[p.secretStore]) })
          ) : (
            <>
              {t('connections.card.signInKind', { kind: p.authKind })} <strong>{t('connections.card.secretMissing')}</strong>
            </>
          )}
        </dd>
        <dt>{t('connections.card.trustedKey')}</dt>
        <dd>{p.trustedKeys.length ? p.trustedKeys.map((k) => <code key={k} className="chip">{k}</code>) : <span className="muted">{t('connections.card.noTrustedKey')}</span>}</dd>
        <dt>{t('connections.card.clients')}</dt>
        <dd>{p.clients.length ? p.clients.map((c) => c.name).join(', ') : <span className="muted">{t('connections.card.noClients')}</span>}</dd>
        {p.team && !p.sandbox && (
          <>
            <dt>{t('connections.card.team')}</dt>
            <dd>
              <TeamShare profile={p} team={p.team} onChanged={props.onChanged} onReloaded={props.onReloaded} onKeptMine={props.onKeptMine} />
            </dd>
          </>
        )}
        <dt>{t('connections.card.transfer')}</dt>
        <dd>
          {t('connections.card.transferLine', {
            mode: p.options.transferMode,
            keepalive: p.options.keepaliveSeconds,
            timeout: p.options.connectTimeoutSeconds,
            legacy: p.options.legacyAlgorithms ? 'yes' : 'no',
          })}
        </dd>
      </dl>
      <ConnectionTestPanel
        profile={p}
        state={test.state}
        onTrust={(fp, replace) => void test.trust(fp, replace)}
        onSecret={(s, remember) => void test.giveSecret(s, remember)}
        onRetry={() => void test.run()}
        onClose={test.clear}
      />
    </li>
  );
}

/**
 * Team mode: the profile's "Share with the team" switch and where it stands. A change that waited
 * here and lost to another member's (`conflict`) stays, named, until the operator compares both
 * versions and keeps theirs or takes the team's.
 */
function TeamShare(props: { profile: Profile; team: ProfileTeam; onChanged: (p: Profile) => void; onReloaded: (p: Profile) => void; onKeptMine: (p: Profile) => void }) {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  const [busy, setBusy] = useState(false);
  const [comparing, setComparing] = useState(false);
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const id = `share-${props.profile.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const act = async (call: () => Promise<{ ok: true; value: Profile } | { ok: false; error: AppErrorInfo }>, then: (p: Profile) => void) => {
    setBusy(true);
    setError(null);
    const r = await call();
    setBusy(false);
    if (r.ok) then(r.value);
    else setError(r.error);
  };
  const { team } = props;
  return (
    <div className="team-share" data-testid="team-share">
      <div className="check-field">
        <input
          id={id}
          type="checkbox"
          checked={team.shared}
          disabled={busy}
          aria-describedby={`${id}-state`}
          onChange={(e) => void act(() => api.profiles.share({ name: props.profile.name, shared: e.target.checked }), props.onChanged)}
        />
        <label htmlFor={id}>{t('connections.team.share')}</label>
        <p className={team.state === 'conflict' || team.state === 'pending' ? 'hint warn' : 'hint'} id={`${id}-state`} data-testid="team-state">
          {t(TEAM_STATE_TEXT[team.state], { version: team.version ?? 0, by: team.changedBy ?? '—' })}
        </p>
      </div>
      {team.state === 'conflict' && (
        <button type="button" className="button" disabled={busy} onClick={() => setComparing(true)}>
          {t('connections.team.compare')}
        </button>
      )}
      {comparing && (
        <ConflictDialog
          name={props.profile.name}
          onResolved={(p, kept) => (setComparing(false), kept === 'mine' ? props.onKeptMine(p) : props.onReloaded(p))}
          onClose={() => setComparing(false)}
        />
      )}
      {error && (
        <div className="callout callout-error" role="alert">
          <p>{errorMessage(error)}</p>
          {error.code === 'CONFLICT' && error.messageId === 'error.profiles.changedByOther' && (
            <button type="button" className="button" disabled={busy} onClick={() => void act(() => api.profiles.reload({ name: props.profile.name }), (p) => (setError(null), props.onReloaded(p)))}>
              {t('connections.team.reload')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function RemoveDialog(props: { profile: Profile; onClose: () => void; onRemoved: (name: string) => void }) {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  return (
    <ConfirmDialog
      title={t('connections.remove.title', { name: props.profile.name })}
      confirmLabel={t('connections.remove.confirm')}
      cancelLabel={t('connections.remove.keep')}
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        const r = await api.profiles.remove({ name: props.profile.name });
        if (!r.ok) return errorMessage(r.error);
        props.onRemoved(props.profile.name);
        return null;
      }}
    >
      <p>{t('connections.remove.body')}</p>
      {props.profile.team?.shared && <p className="note">{t('connections.remove.team')}</p>}
      {props.profile.sandbox && <p className="note">{t('connections.remove.sandbox')}</p>}
    </ConfirmDialog>
  );
}
