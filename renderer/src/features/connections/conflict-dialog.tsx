import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ClientConfig, ConnectionOptions, Profile, ProfileConflict, ProfileDifference, ProfileInput } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useApi } from '../../api/api-context';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { useI18n, type I18n } from '../../i18n/use-i18n';

/** The profile's own fields a comparison names, as the form labels them. */
const FIELD_LABELS: Record<Exclude<ProfileDifference['field'], 'option' | 'client'>, MessageId> = {
  host: 'connections.form.host',
  port: 'connections.form.port',
  user: 'connections.form.user',
  authKind: 'connections.form.signInWith',
  trustedKeys: 'connections.card.trustedKey',
};

/** Connection options, as the form labels them. */
const OPTION_LABELS: Record<keyof ConnectionOptions, MessageId> = {
  keepaliveSeconds: 'connections.form.keepalive',
  connectTimeoutSeconds: 'connections.form.connectTimeout',
  operationTimeoutSeconds: 'connections.form.operationTimeout',
  transferMode: 'connections.form.mode',
  legacyAlgorithms: 'connections.form.legacy',
  retries: 'connections.form.retries',
  pollMinutes: 'connections.form.poll',
  pullTime: 'connections.form.pullTime',
};

/** A client's settings, as the client editor labels them. */
const CLIENT_PART_LABELS: Record<keyof ClientConfig, MessageId> = {
  name: 'connections.client.name',
  uploadDir: 'connections.client.uploadDir',
  logDir: 'connections.client.logDir',
  responseDir: 'connections.client.responseDir',
  responseFileNames: 'connections.client.responseNames',
  fields: 'connections.client.fields',
  productFields: 'connections.conflict.productFields',
  encoding: 'connections.client.encoding',
  timeZone: 'connections.client.timeZone',
  testRecipients: 'connections.client.testRecipients',
  mailings: 'connections.client.mailings',
  lineBreaks: 'connections.client.lineBreaks',
  productsFileName: 'connections.client.productsName',
  fourEyes: 'team.fourEyes.label',
  responseDialect: 'connections.dialect.legend',
};

/** Values that are words of the form rather than data. */
const VALUE_WORDS: Record<string, MessageId> = {
  password: 'connections.form.withPassword',
  key: 'connections.form.withKey',
  fast: 'connections.form.modeFast',
  plain: 'connections.form.modePlain',
  true: 'connections.conflict.yes',
  false: 'connections.conflict.no',
};

function settingLabel(d: ProfileDifference, t: I18n['t']): string {
  if (d.field === 'option') return t(OPTION_LABELS[d.key as keyof ConnectionOptions] ?? 'connections.form.options');
  if (d.field === 'client') {
    const part = d.part && CLIENT_PART_LABELS[d.part as keyof ClientConfig];
    return part ? t('connections.conflict.clientPart', { client: d.key ?? '', part: t(part) }) : t('connections.conflict.client', { client: d.key ?? '' });
  }
  return t(FIELD_LABELS[d.field]);
}

function valueText(d: ProfileDifference, value: string | null, t: I18n['t']): string {
  if (value === null) return t('connections.conflict.none');
  const word = (d.field === 'authKind' || d.field === 'option' || d.part === 'fourEyes') && Object.hasOwn(VALUE_WORDS, value) ? VALUE_WORDS[value] : undefined;
  return word ? t(word) : value;
}

/**
 * Team mode: another member changed a shared profile while this one was being edited (the
 * form's edit, `edit`) or while a change waited here (this workstation's copy). Shows what
 * differs, field by field, and lets the operator keep theirs (after a confirmation, since it
 * overwrites a colleague's change; refused and shown again when the team's version moved once
 * more), take the team's, or cancel (nothing changes).
 */
export function ConflictDialog(props: { name: string; edit?: ProfileInput; onResolved: (p: Profile, kept: 'mine' | 'team') => void; onClose: () => void }) {
  const api = useApi();
  const { t, fmt, errorMessage } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [movedAgain, setMovedAgain] = useState(false);
  const [busy, setBusy] = useState(false);
  const { name, edit } = props;

  // The comparison needs the edit's shared fields only: its password or key stays in the form until a save.
  const compare = useCallback(() => api.profiles.conflict({ name, profile: edit && { ...edit, auth: { kind: edit.auth.kind } } }), [api, name, edit]);
  const { value: conflict, error: loadError, reload } = useLoad<ProfileConflict>(compare);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const resolve = async (keep: 'mine' | 'team') => {
    if (!conflict) return;
    setBusy(true);
    setError(null);
    const r = await api.profiles.resolve({ name, keep, teamVersion: conflict.teamVersion, profile: keep === 'mine' ? edit : undefined });
    setBusy(false);
    if (r.ok) return props.onResolved(r.value, keep);
    setConfirming(false);
    if (r.error.code === 'CONFLICT' && r.error.details && 'teamVersion' in r.error.details) {
      // Someone saved again while the operator decided: nothing was overwritten; compare anew.
      await reload();
      return setMovedAgain(true);
    }
    setError(r.error);
  };

  const facts = conflict && { by: conflict.by, version: conflict.teamVersion, at: Date.parse(conflict.at), name };
  return (
    <dialog ref={ref} className="dialog dialog-wide conflict-dialog" aria-labelledby={titleId} onClose={props.onClose}>
      {!facts ? (
        <>
          <h2 id={titleId}>{props.name}</h2>
          {loadError ? <ErrorCallout message={errorMessage(loadError)} /> : <p role="status">{t('connections.conflict.loading')}</p>}
          <div className="button-row end">
            <button type="button" className="button" onClick={() => ref.current?.close()}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      ) : confirming ? (
        <>
          <h2 id={titleId}>{t('connections.conflict.confirmTitle', facts)}</h2>
          <p>{t('connections.conflict.confirmBody', facts)}</p>
          <div className="button-row end">
            <button type="button" className="button" disabled={busy} onClick={() => setConfirming(false)} autoFocus>
              {t('connections.conflict.back')}
            </button>
            <button type="button" className="button danger" disabled={busy} onClick={() => void resolve('mine')}>
              {busy ? t('common.working') : t('connections.conflict.confirmKeep')}
            </button>
          </div>
        </>
      ) : (
        <>
          <h2 id={titleId}>{t('connections.conflict.title', facts)}</h2>
          {movedAgain && (
            <p className="callout callout-warn" role="alert">
              {t('connections.conflict.movedAgain', facts)}
            </p>
          )}
          <p>{t(conflict.removed ? 'connections.conflict.removed' : edit ? 'connections.conflict.lead' : 'connections.conflict.leadWaiting', facts)}</p>
          {!conflict.removed &&
            (conflict.differences.length === 0 ? (
              <p className="note">{t('connections.conflict.same')}</p>
            ) : (
              <div className="table-scroll conflict-table">
                <table className="data-table">
                  <caption>{t('connections.conflict.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('connections.conflict.setting')}</th>
                      <th scope="col">{t('connections.conflict.mine')}</th>
                      <th scope="col">{t('connections.conflict.team', { version: fmt.number(conflict.teamVersion), by: conflict.by })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {conflict.differences.map((d, i) => (
                      <tr key={i}>
                        <th scope="row">{settingLabel(d, t)}</th>
                        <td className="conflict-value">{valueText(d, d.mine, t)}</td>
                        <td className="conflict-value">{valueText(d, d.team, t)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          <p className="hint">{t('connections.conflict.secretsStay')}</p>
          <ErrorCallout message={error && errorMessage(error)} />
          <div className="button-row end">
            {/* The safe choice has the focus: Enter or Escape changes nothing. */}
            <button type="button" className="button" disabled={busy} onClick={() => ref.current?.close()} autoFocus>
              {t('common.cancel')}
            </button>
            {!conflict.removed && (
              <button type="button" className="button" disabled={busy} onClick={() => void resolve('team')}>
                {t('connections.conflict.takeTeam')}
              </button>
            )}
            <button type="button" className="button primary" disabled={busy} onClick={() => setConfirming(true)}>
              {t('connections.conflict.keepMine')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
