import { useCallback, useEffect, useState } from 'react';
import type { Profile } from '../../../../shared/contract/profiles';
import { useApi } from '../../api/api-context';
import { navigate, routeParam } from '../../routes';
import { FirstRunGuide } from '../shell/first-run';
import { ConnectionTestPanel, useConnectionTest } from './connection-test';
import { draftFromProfile, emptyProfileDraft, type ProfileDraft } from './profile-draft';
import { ProfileForm } from './profile-form';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';

type Mode = { readonly kind: 'list' } | { readonly kind: 'form'; readonly draft: ProfileDraft; readonly editing: boolean };

const SECRET_STORE_LABEL: Record<Profile['secretStore'], string> = {
  keyring: 'in the system keyring',
  safeStorage: 'encrypted by the system',
  env: 'from an environment variable',
  session: 'for this session only',
  none: 'not stored',
};

/** Connection profiles: list, add, edit, test (with host-key trust) and remove. */
export function ConnectionsScreen() {
  const api = useApi();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Profile | null>(null);

  const list = useCallback(async () => api.profiles.list({}), [api]);
  const { value: profiles, error: loadError, reload, setValue: setProfiles } = useLoad<readonly Profile[]>(list);

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
          <h1 id="screen-title">Connections</h1>
          <p className="lead">The SFTP servers of the closed-loop interface, how to sign in, and the clients on each server.</p>
        </div>
        {mode.kind === 'list' && (
          <button type="button" className="button primary" onClick={() => (setNotice(null), setMode({ kind: 'form', draft: emptyProfileDraft(), editing: false }))}>
            Add connection
          </button>
        )}
      </header>
      {mode.kind === 'list' && <FirstRunGuide />}

      {notice && (
        <div className="callout callout-ok notice" role="status">
          <span>{notice}</span>
          <button type="button" className="button ghost" onClick={() => setNotice(null)} aria-label="Dismiss notice">
            Dismiss
          </button>
        </div>
      )}

      {mode.kind === 'form' ? (
        <ProfileForm
          initial={mode.draft}
          editing={mode.editing}
          onCancel={() => setMode({ kind: 'list' })}
          onSaved={(p) => {
            setNotice(`Connection “${p.name}” saved. Use “Test connection” to check it.`);
            setMode({ kind: 'list' });
            void reload();
          }}
        />
      ) : loadError ? (
        <ErrorCallout message={loadError.message} title="Connections could not be loaded">
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </ErrorCallout>
      ) : profiles === null ? (
        <p role="status">Loading connections…</p>
      ) : profiles.length === 0 ? (
        <div className="empty-state">
          <h2>No connections yet</h2>
          <p>
            Add the SFTP server Optimizely set up for you: its host name, your user and password or key. Loopdesk then checks the server’s identity and
            that your upload, log and response directories are usable.
          </p>
        </div>
      ) : (
        <ul className="profile-list" aria-label="Connections">
          {profiles.map((p) => (
            <ProfileCard
              key={p.name}
              profile={p}
              onChanged={replaceProfile}
              onEdit={() => (setNotice(null), setMode({ kind: 'form', draft: draftFromProfile(p), editing: true }))}
              onRemove={() => setRemoving(p)}
            />
          ))}
        </ul>
      )}

      {removing && (
        <RemoveDialog
          profile={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(name) => {
            setRemoving(null);
            setNotice(`Connection “${name}” removed, with its stored password.`);
            void reload();
          }}
        />
      )}
    </section>
  );
}

function ProfileCard(props: { profile: Profile; onChanged: (p: Profile) => void; onEdit: () => void; onRemove: () => void }) {
  const p = props.profile;
  const test = useConnectionTest(p, props.onChanged);
  const headingId = `profile-${p.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li className="card profile-card" aria-labelledby={headingId}>
      <div className="profile-head">
        <div>
          <h2 id={headingId} className="profile-name">
            {p.name} {p.sandbox && <span className="badge badge-sandbox">Sandbox</span>}
          </h2>
          <p className="profile-address">
            <code>
              {p.user}@{p.host}:{p.port}
            </code>
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => void test.run()} disabled={test.state.kind === 'running'} aria-label={`Test connection ${p.name}`}>
            Test connection
          </button>
          <button type="button" className="button" onClick={props.onEdit} aria-label={`Edit ${p.name}`}>
            Edit
          </button>
          <button type="button" className="button danger-outline" onClick={props.onRemove} aria-label={`Remove ${p.name}`}>
            Remove
          </button>
        </div>
      </div>
      {p.sandbox && (
        <p className="note">A practice server running inside Loopdesk on this computer. Uploads go nowhere near Optimizely, so you can try everything safely.</p>
      )}
      <dl className="facts compact">
        <dt>Sign-in</dt>
        <dd>
          {p.authKind === 'password' ? 'Password' : 'Private key'}, {p.secretAvailable ? SECRET_STORE_LABEL[p.secretStore] : <strong>not available — enter it when testing</strong>}
        </dd>
        <dt>Trusted host key</dt>
        <dd>{p.trustedKeys.length ? p.trustedKeys.map((k) => <code key={k} className="chip">{k}</code>) : <span className="muted">none yet (the first test asks you)</span>}</dd>
        <dt>Clients</dt>
        <dd>{p.clients.length ? p.clients.map((c) => c.name).join(', ') : <span className="muted">none — add one under Edit</span>}</dd>
        <dt>Transfer</dt>
        <dd>
          {p.options.transferMode === 'fast' ? 'Fast' : 'Plain'}, keepalive {p.options.keepaliveSeconds ? `${p.options.keepaliveSeconds} s` : 'off'}, timeout{' '}
          {p.options.connectTimeoutSeconds} s{p.options.legacyAlgorithms ? ', legacy algorithms allowed' : ''}
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

function RemoveDialog(props: { profile: Profile; onClose: () => void; onRemoved: (name: string) => void }) {
  const api = useApi();
  return (
    <ConfirmDialog
      title={`Remove connection “${props.profile.name}”?`}
      confirmLabel="Remove connection"
      cancelLabel="Keep it"
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        const r = await api.profiles.remove({ name: props.profile.name });
        if (!r.ok) return r.error.message;
        props.onRemoved(props.profile.name);
        return null;
      }}
    >
      <p>
        Loopdesk forgets this server, its clients, its trusted host key and the stored password. Files already on the server and the local history of
        past sends stay untouched.
      </p>
      {props.profile.sandbox && <p className="note">This is the Sandbox connection. It is created again the next time Loopdesk starts without connections.</p>}
    </ConfirmDialog>
  );
}
