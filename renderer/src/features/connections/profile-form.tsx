import { useId, useRef, useState, type FormEvent } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { Profile } from '../../../../shared/contract/profiles';
import { useApi } from '../../api/api-context';
import { ClientEditor } from './client-editor';
import { draftToInput, emptyClientDraft, type DraftProblem, type OptionsDraft, type ProfileDraft } from './profile-draft';

/** Adds or edits one connection profile; calls `onSaved` with the stored profile. */
export function ProfileForm(props: { initial: ProfileDraft; editing: boolean; onSaved: (p: Profile) => void; onCancel: () => void }) {
  const api = useApi();
  const id = useId();
  const [d, setD] = useState<ProfileDraft>(props.initial);
  const [problems, setProblems] = useState<readonly DraftProblem[]>([]);
  const [saveError, setSaveError] = useState<AppErrorInfo | null>(null);
  const [saving, setSaving] = useState(false);
  const problemsRef = useRef<HTMLDivElement>(null);

  const set = (patch: Partial<ProfileDraft>) => setD((prev) => ({ ...prev, ...patch }));
  const setOption = (patch: Partial<OptionsDraft>) => setD((prev) => ({ ...prev, options: { ...prev.options, ...patch } }));

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setSaveError(null);
    const checked = draftToInput(d, props.editing);
    if (!checked.input) {
      setProblems(checked.problems);
      requestAnimationFrame(() => problemsRef.current?.focus());
      return;
    }
    setProblems([]);
    setSaving(true);
    const r = await api.profiles.save({ profile: checked.input, replace: props.editing });
    setSaving(false);
    if (r.ok) props.onSaved(r.value);
    else {
      setSaveError(r.error);
      requestAnimationFrame(() => problemsRef.current?.focus());
    }
  };

  const loadKeyFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 64 * 1024) {
      setProblems([{ field: 'Private key', message: `${file.name} is ${Math.round(file.size / 1024)} KB: that is not a private key file. Choose the key file (usually id_ed25519 or id_rsa).` }]);
      return;
    }
    set({ privateKey: await file.text() });
  };

  const title = props.editing ? `Edit connection ${props.initial.name}` : 'Add connection';
  const issues = saveError?.code === 'INVALID_INPUT' && saveError.details && 'issues' in saveError.details ? saveError.details.issues : [];

  return (
    <form className="profile-form card" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{title}</h2>
      {d.sandbox && (
        <p className="note">
          This is the built-in <strong>Sandbox</strong> connection. It talks to a practice server on this computer, so nothing reaches Optimizely.
        </p>
      )}

      {(problems.length > 0 || saveError) && (
        <div className="form-problems" role="alert" tabIndex={-1} ref={problemsRef}>
          <strong>{saveError ? 'The connection was not saved' : 'Please fix these before saving'}</strong>
          {saveError && <p>{saveError.message}</p>}
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
            {issues.map((p, i) => (
              <li key={`i${i}`}>
                {p.path.join(' › ')}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      <fieldset>
        <legend>Server</legend>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-name`}>Connection name</label>
            <input
              id={`${id}-name`}
              value={d.name}
              readOnly={props.editing}
              aria-describedby={props.editing ? `${id}-name-hint` : undefined}
              onChange={(e) => set({ name: e.target.value })}
              autoFocus={!props.editing}
            />
            {props.editing && (
              <p className="hint" id={`${id}-name-hint`}>
                The name identifies the connection’s history and stored password, so it cannot change. Add a new connection to use another name.
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-user`}>User</label>
            <input id={`${id}-user`} value={d.user} autoComplete="off" onChange={(e) => set({ user: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-host`}>Host</label>
            <input id={`${id}-host`} value={d.host} placeholder="sftp.example.com" autoComplete="off" onChange={(e) => set({ host: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-port`}>Port</label>
            <input id={`${id}-port`} inputMode="numeric" className="narrow" value={d.port} onChange={(e) => set({ port: e.target.value })} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Sign-in</legend>
        <div className="radio-row" role="radiogroup" aria-label="Sign in with">
          <label>
            <input type="radio" name={`${id}-auth`} checked={d.authKind === 'password'} onChange={() => set({ authKind: 'password' })} /> With a password
          </label>
          <label>
            <input type="radio" name={`${id}-auth`} checked={d.authKind === 'key'} onChange={() => set({ authKind: 'key' })} /> With a private key
          </label>
        </div>
        {d.authKind === 'password' ? (
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              value={d.password}
              aria-describedby={`${id}-password-hint`}
              onChange={(e) => set({ password: e.target.value })}
            />
            <p className="hint" id={`${id}-password-hint`}>
              {props.editing
                ? 'Leave empty to keep the stored password. '
                : ''}
              Stored in the operating system’s secret store, never in the settings file.
            </p>
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-key`}>Private key</label>
              <textarea
                id={`${id}-key`}
                rows={5}
                className="mono"
                spellCheck={false}
                value={d.privateKey}
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                aria-describedby={`${id}-key-hint`}
                onChange={(e) => set({ privateKey: e.target.value })}
              />
              <p className="hint" id={`${id}-key-hint`}>
                Paste the key, or load it from a file. {props.editing ? 'Loopdesk never shows a stored key again, so paste it to change anything here.' : ''}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-keyfile`}>Load private key from file</label>
              <input id={`${id}-keyfile`} type="file" onChange={(e) => void loadKeyFile(e.target.files?.[0])} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-passphrase`}>Key passphrase</label>
              <input
                id={`${id}-passphrase`}
                type="password"
                autoComplete="new-password"
                value={d.passphrase}
                aria-describedby={`${id}-passphrase-hint`}
                onChange={(e) => set({ passphrase: e.target.value })}
              />
              <p className="hint" id={`${id}-passphrase-hint`}>
                Only if the key is protected by a passphrase.
              </p>
            </div>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Connection options</legend>
        <div className="grid-3">
          <NumberField id={`${id}-keepalive`} label="Keepalive interval (seconds)" hint="0 turns keepalive off." value={d.options.keepaliveSeconds} onChange={(v) => setOption({ keepaliveSeconds: v })} />
          <NumberField id={`${id}-ctimeout`} label="Connect timeout (seconds)" value={d.options.connectTimeoutSeconds} onChange={(v) => setOption({ connectTimeoutSeconds: v })} />
          <NumberField id={`${id}-otimeout`} label="Operation timeout (seconds)" value={d.options.operationTimeoutSeconds} onChange={(v) => setOption({ operationTimeoutSeconds: v })} />
          <NumberField id={`${id}-retries`} label="Retries" hint="How often a failed transfer is tried again." value={d.options.retries} onChange={(v) => setOption({ retries: v })} />
          <NumberField id={`${id}-poll`} label="Status check interval (minutes)" value={d.options.pollMinutes} onChange={(v) => setOption({ pollMinutes: v })} />
          <div className="field">
            <label htmlFor={`${id}-pull-time`}>Daily response pull (HH:MM)</label>
            <input
              id={`${id}-pull-time`}
              className="narrow"
              value={d.options.pullTime}
              aria-describedby={`${id}-pull-time-hint`}
              onChange={(e) => setOption({ pullTime: e.target.value })}
            />
            <p className="hint" id={`${id}-pull-time-hint`}>
              This computer's time at which the server's daily response files are fetched.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mode`}>Transfer mode</label>
            <select id={`${id}-mode`} value={d.options.transferMode} aria-describedby={`${id}-mode-hint`} onChange={(e) => setOption({ transferMode: e.target.value as 'fast' | 'plain' })}>
              <option value="fast">Fast (parallel)</option>
              <option value="plain">Plain (one stream)</option>
            </select>
            <p className="hint" id={`${id}-mode-hint`}>
              Choose Plain if uploads to this server arrive incomplete or with the wrong size.
            </p>
          </div>
        </div>
        <div className="check-field">
          <input id={`${id}-legacy`} type="checkbox" checked={d.options.legacyAlgorithms} aria-describedby={`${id}-legacy-hint`} onChange={(e) => setOption({ legacyAlgorithms: e.target.checked })} />
          <label htmlFor={`${id}-legacy`}>Allow legacy algorithms</label>
          <p className="hint" id={`${id}-legacy-hint`}>
            Only for old servers that refuse to connect otherwise; these algorithms are weaker.
          </p>
        </div>
      </fieldset>

      <section className="clients" aria-labelledby={`${id}-clients`}>
        <h3 id={`${id}-clients`}>Clients</h3>
        <p className="hint">
          One client per Optimizely client or sub-directory. Each has its own directories and master list; the interface takes one file per client and directory.
        </p>
        {d.clients.map((c, i) => (
          <ClientEditor
            key={i}
            client={c}
            index={i}
            onChange={(next) => set({ clients: d.clients.map((x, j) => (j === i ? next : x)) })}
            onRemove={() => set({ clients: d.clients.filter((_, j) => j !== i) })}
          />
        ))}
        <div className="button-row">
          <button type="button" className="button" onClick={() => set({ clients: [...d.clients, emptyClientDraft(`Client ${d.clients.length + 1}`)] })}>
            Add client
          </button>
        </div>
      </section>

      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save connection'}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function NumberField(props: { id: string; label: string; hint?: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="numeric"
        className="narrow"
        value={props.value}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
