import { useId, useRef, useState, type FormEvent } from 'react';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { Profile, ProfileInput } from '../../../../shared/contract/profiles';
import { useApi } from '../../api/api-context';
import { ClientEditor } from './client-editor';
import { ConflictDialog } from './conflict-dialog';
import { draftFromProfile, draftToInput, emptyClientDraft, problemText, type DraftProblem, type OptionsDraft, type ProfileDraft } from './profile-draft';
import { useI18n } from '../../i18n/use-i18n';

/**
 * Adds or edits one connection profile; calls `onSaved` with the stored profile. `teamMode`
 * shows the "Share with the team" choice; a save refused because another member changed the
 * profile opens the comparison (conflict-dialog.tsx): keep this edit over theirs, or take
 * their version into the form. `kept` tells that this edit replaced another member's change.
 */
export function ProfileForm(props: { initial: ProfileDraft; editing: boolean; teamMode: boolean; onSaved: (p: Profile, kept?: boolean) => void; onCancel: () => void }) {
  const api = useApi();
  const id = useId();
  const { t, rich, fmt, say, errorMessage } = useI18n();
  const [d, setD] = useState<ProfileDraft>(props.initial);
  const [problems, setProblems] = useState<readonly DraftProblem[]>([]);
  const [saveError, setSaveError] = useState<AppErrorInfo | null>(null);
  const [saving, setSaving] = useState(false);
  const [reloaded, setReloaded] = useState(false);
  /** The edit a save refused because another member changed the profile; shown beside theirs while comparing. */
  const [refusedEdit, setRefusedEdit] = useState<ProfileInput | null>(null);
  const [comparing, setComparing] = useState(false);
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
    if (r.ok) return props.onSaved(r.value);
    setSaveError(r.error);
    if (r.error.messageId === 'error.profiles.changedByOther' || r.error.messageId === 'error.profiles.removedByOther') {
      // Another member's newer version: show both at once, so the operator decides with the facts.
      setRefusedEdit(checked.input);
      setComparing(true);
    } else requestAnimationFrame(() => problemsRef.current?.focus());
  };

  const loadKeyFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 64 * 1024) {
      setProblems([{ field: 'Private key', text: { id: 'connections.problem.keyFileTooBig', values: { file: file.name, size: fmt.bytes(file.size) } } }]);
      return;
    }
    set({ privateKey: await file.text() });
  };

  /** The comparison settled: this edit is the team's now, or the team's version is in the form. */
  const resolved = (p: Profile, kept: 'mine' | 'team') => {
    setComparing(false);
    setRefusedEdit(null);
    setSaveError(null);
    if (kept === 'mine') return props.onSaved(p, true);
    setD(draftFromProfile(p));
    setReloaded(true);
  };

  const title = props.editing ? t('connections.form.editTitle', { name: props.initial.name }) : t('connections.add');
  const issues = saveError?.code === 'INVALID_INPUT' && saveError.details && 'issues' in saveError.details ? saveError.details.issues : [];

  return (
    <form className="profile-form card" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{title}</h2>
      {d.sandbox && (
        <p className="note">{rich('connections.form.sandboxNote', { b: (c) => <strong>{c}</strong> })}</p>
      )}

      {(problems.length > 0 || saveError) && (
        <div className="form-problems" role="alert" tabIndex={-1} ref={problemsRef}>
          <strong>{saveError ? t('connections.form.notSaved') : t('connections.form.fixFirst')}</strong>
          {saveError && <p>{errorMessage(saveError)}</p>}
          {refusedEdit && (
            <button type="button" className="button" onClick={() => setComparing(true)}>
              {t('connections.form.compareTeam')}
            </button>
          )}
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{problemText(t, p.text)}</li>
            ))}
            {issues.map((p, i) => (
              <li key={`i${i}`}>{t('connections.form.issue', { path: p.path.join(' › '), message: say(p.text, p.message) })}</li>
            ))}
          </ul>
        </div>
      )}

      <fieldset>
        <legend>{t('connections.form.server')}</legend>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('connections.form.name')}</label>
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
                {t('connections.form.nameFixed')}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-user`}>{t('connections.form.user')}</label>
            <input id={`${id}-user`} value={d.user} autoComplete="off" onChange={(e) => set({ user: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-host`}>{t('connections.form.host')}</label>
            <input id={`${id}-host`} value={d.host} placeholder={t('connections.form.hostExample')} autoComplete="off" onChange={(e) => set({ host: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-port`}>{t('connections.form.port')}</label>
            <input id={`${id}-port`} inputMode="numeric" className="narrow" value={d.port} onChange={(e) => set({ port: e.target.value })} />
          </div>
        </div>
      </fieldset>

      {reloaded && (
        <p className="callout callout-ok" role="status">
          {t('connections.notice.reloaded', { name: d.name })}
        </p>
      )}

      {props.teamMode && !d.sandbox && (
        <div className="check-field">
          <input id={`${id}-share`} type="checkbox" checked={d.share ?? true} aria-describedby={`${id}-share-hint`} onChange={(e) => set({ share: e.target.checked })} />
          <label htmlFor={`${id}-share`}>{t('connections.team.share')}</label>
          <p className="hint" id={`${id}-share-hint`}>
            {t('connections.team.shareHint')}
          </p>
        </div>
      )}

      <fieldset>
        <legend>{t('connections.form.signIn')}</legend>
        <div className="radio-row" role="radiogroup" aria-label={t('connections.form.signInWith')}>
          <label>
            <input type="radio" name={`${id}-auth`} checked={d.authKind === 'password'} onChange={() => set({ authKind: 'password' })} /> {t('connections.form.withPassword')}
          </label>
          <label>
            <input type="radio" name={`${id}-auth`} checked={d.authKind === 'key'} onChange={() => set({ authKind: 'key' })} /> {t('connections.form.withKey')}
          </label>
        </div>
        {d.authKind === 'password' ? (
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('connections.form.password')}</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              value={d.password}
              aria-describedby={`${id}-password-hint`}
              onChange={(e) => set({ password: e.target.value })}
            />
            <p className="hint" id={`${id}-password-hint`}>
              {props.editing ? t('connections.form.passwordKeep') : t('connections.form.passwordStored')}
            </p>
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-key`}>{t('connections.form.key')}</label>
              <textarea
                id={`${id}-key`}
                rows={5}
                className="mono"
                spellCheck={false}
                value={d.privateKey}
                placeholder={t('connections.form.keyPlaceholder')}
                aria-describedby={`${id}-key-hint`}
                onChange={(e) => set({ privateKey: e.target.value })}
              />
              <p className="hint" id={`${id}-key-hint`}>
                {props.editing ? t('connections.form.keyHintEditing') : t('connections.form.keyHint')}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-keyfile`}>{t('connections.form.keyFile')}</label>
              <input id={`${id}-keyfile`} type="file" onChange={(e) => void loadKeyFile(e.target.files?.[0])} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-passphrase`}>{t('connections.form.passphrase')}</label>
              <input
                id={`${id}-passphrase`}
                type="password"
                autoComplete="new-password"
                value={d.passphrase}
                aria-describedby={`${id}-passphrase-hint`}
                onChange={(e) => set({ passphrase: e.target.value })}
              />
              <p className="hint" id={`${id}-passphrase-hint`}>
                {t('connections.form.passphraseHint')}
              </p>
            </div>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('connections.form.options')}</legend>
        <div className="grid-3">
          <NumberField
            id={`${id}-keepalive`}
            label={t('connections.form.keepalive')}
            hint={t('connections.form.keepaliveHint')}
            value={d.options.keepaliveSeconds}
            onChange={(v) => setOption({ keepaliveSeconds: v })}
          />
          <NumberField id={`${id}-ctimeout`} label={t('connections.form.connectTimeout')} value={d.options.connectTimeoutSeconds} onChange={(v) => setOption({ connectTimeoutSeconds: v })} />
          <NumberField id={`${id}-otimeout`} label={t('connections.form.operationTimeout')} value={d.options.operationTimeoutSeconds} onChange={(v) => setOption({ operationTimeoutSeconds: v })} />
          <NumberField id={`${id}-retries`} label={t('connections.form.retries')} hint={t('connections.form.retriesHint')} value={d.options.retries} onChange={(v) => setOption({ retries: v })} />
          <NumberField id={`${id}-poll`} label={t('connections.form.poll')} value={d.options.pollMinutes} onChange={(v) => setOption({ pollMinutes: v })} />
          <div className="field">
            <label htmlFor={`${id}-pull-time`}>{t('connections.form.pullTime')}</label>
            <input
              id={`${id}-pull-time`}
              className="narrow"
              value={d.options.pullTime}
              aria-describedby={`${id}-pull-time-hint`}
              onChange={(e) => setOption({ pullTime: e.target.value })}
            />
            <p className="hint" id={`${id}-pull-time-hint`}>
              {t('connections.form.pullTimeHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mode`}>{t('connections.form.mode')}</label>
            <select id={`${id}-mode`} value={d.options.transferMode} aria-describedby={`${id}-mode-hint`} onChange={(e) => setOption({ transferMode: e.target.value as 'fast' | 'plain' })}>
              <option value="fast">{t('connections.form.modeFast')}</option>
              <option value="plain">{t('connections.form.modePlain')}</option>
            </select>
            <p className="hint" id={`${id}-mode-hint`}>
              {t('connections.form.modeHint')}
            </p>
          </div>
        </div>
        <div className="check-field">
          <input id={`${id}-legacy`} type="checkbox" checked={d.options.legacyAlgorithms} aria-describedby={`${id}-legacy-hint`} onChange={(e) => setOption({ legacyAlgorithms: e.target.checked })} />
          <label htmlFor={`${id}-legacy`}>{t('connections.form.legacy')}</label>
          <p className="hint" id={`${id}-legacy-hint`}>
            {t('connections.form.legacyHint')}
          </p>
        </div>
      </fieldset>

      <section className="clients" aria-labelledby={`${id}-clients`}>
        <h3 id={`${id}-clients`}>{t('connections.card.clients')}</h3>
        <p className="hint">{t('connections.form.clientsHint')}</p>
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
          <button type="button" className="button" onClick={() => set({ clients: [...d.clients, emptyClientDraft(t('connections.client.defaultName', { n: d.clients.length + 1 }))] })}>
            {t('connections.form.addClient')}
          </button>
        </div>
      </section>

      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? t('connections.form.saving') : t('connections.form.save')}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {t('connections.form.cancel')}
        </button>
      </div>
      {comparing && refusedEdit && <ConflictDialog name={refusedEdit.name} edit={refusedEdit} onResolved={resolved} onClose={() => setComparing(false)} />}
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
