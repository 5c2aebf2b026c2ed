import { useId, useState } from 'react';
import type { ConnectionReport, Profile } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi } from '../../api/api-context';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';
import { useI18n } from '../../i18n/use-i18n';
import type { MessageId } from '../../../../shared/i18n/messages';

/** What a running test is doing, in words. */
type Step = 'connections.test.running' | 'connections.test.savingKey' | 'connections.test.savingSecret';

/** The directory each check is about (the service's role names). */
const ROLE_LABELS: Record<string, MessageId> = {
  upload: 'connections.test.role.upload',
  logs: 'connections.test.role.logs',
  responses: 'connections.test.role.responses',
};

/** Where a connection test stands; kept by the profile card. */
export type TestState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly what: Step }
  | { readonly kind: 'report'; readonly report: ConnectionReport; readonly trustedNow?: string }
  | { readonly kind: 'failed'; readonly error: AppErrorInfo };

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** The key the server offered (and, for a changed key, the ones pinned), from a HOST_KEY_* error's details. */
function hostKey(error: AppErrorInfo): { readonly fingerprint?: string; readonly keyType?: string; readonly trusted?: readonly string[] } {
  return (error.code === 'HOST_KEY_UNKNOWN' || error.code === 'HOST_KEY_CHANGED') && error.details ? error.details : {};
}

/** The fingerprints the host says it had pinned, falling back to the profile's list. */
function pinnedKeys(error: AppErrorInfo, profile: Profile): string[] {
  return [...(hostKey(error).trusted ?? profile.trustedKeys)];
}

/**
 * Runs `profiles.test` and walks the operator through what can go wrong: an unknown
 * host key (compare and trust), a changed one (stop and ask), a missing or wrong password.
 */
export function useConnectionTest(profile: Profile, onProfileChanged: (p: Profile) => void) {
  const api = useApi();
  const [state, setState] = useState<TestState>({ kind: 'idle' });

  const run = async (trustedNow?: string) => {
    setState({ kind: 'running', what: 'connections.test.running' });
    const r = await api.profiles.test({ name: profile.name });
    setState(r.ok ? { kind: 'report', report: r.value, trustedNow } : { kind: 'failed', error: r.error });
  };

  const trust = async (fingerprint: string, replace: readonly string[]) => {
    setState({ kind: 'running', what: 'connections.test.savingKey' });
    const r = await api.profiles.trust({ name: profile.name, fingerprint });
    if (!r.ok) return setState({ kind: 'failed', error: r.error });
    let latest = r.value;
    for (const old of replace) {
      if (old === fingerprint) continue;
      const u = await api.profiles.untrust({ name: profile.name, fingerprint: old });
      if (!u.ok) return setState({ kind: 'failed', error: u.error });
      latest = u.value;
    }
    onProfileChanged(latest);
    await run(fingerprint);
  };

  const giveSecret = async (secret: string, remember: boolean) => {
    setState({ kind: 'running', what: 'connections.test.savingSecret' });
    const r = await api.profiles.setSecret({ name: profile.name, secret, remember });
    if (!r.ok) return setState({ kind: 'failed', error: r.error });
    onProfileChanged(r.value);
    await run();
  };

  return { state, run, trust, giveSecret, clear: () => setState({ kind: 'idle' }) };
}

/** Shows the outcome of a connection test and the next step. */
export function ConnectionTestPanel(props: {
  profile: Profile;
  state: TestState;
  onTrust: (fingerprint: string, replace: readonly string[]) => void;
  onSecret: (secret: string, remember: boolean) => void;
  onRetry: () => void;
  onClose: () => void;
}) {
  const { state, profile } = props;
  const { t, errorMessage } = useI18n();
  if (state.kind === 'idle') return null;
  return (
    <div className="test-panel" aria-live="polite">
      {state.kind === 'running' && (
        <p className="running" role="status">
          <span className="spinner" aria-hidden="true" /> {t(state.what)}
        </p>
      )}
      {state.kind === 'report' && <ReportView report={state.report} trustedNow={state.trustedNow} />}
      {state.kind === 'failed' && state.error.code === 'HOST_KEY_UNKNOWN' && (
        <UnknownKey error={state.error} onTrust={(fp) => props.onTrust(fp, [])} />
      )}
      {state.kind === 'failed' && state.error.code === 'HOST_KEY_CHANGED' && (
        <ChangedKey error={state.error} pinned={pinnedKeys(state.error, profile)} onTrust={props.onTrust} />
      )}
      {state.kind === 'failed' && (state.error.code === 'AUTH_FAILED' || state.error.code === 'SECRET_UNAVAILABLE') && (
        <SignInProblem error={state.error} profile={profile} onSecret={props.onSecret} />
      )}
      {state.kind === 'failed' && !['HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'AUTH_FAILED', 'SECRET_UNAVAILABLE'].includes(state.error.code) && (
        <ErrorCallout message={errorMessage(state.error)} title={t('connections.test.failed')} level={3}>
          <p className="muted small">{t('connections.test.errorCode', { code: state.error.code })}</p>
        </ErrorCallout>
      )}
      {state.kind !== 'running' && (
        <div className="button-row">
          <button type="button" className="button" onClick={props.onRetry}>
            {t('connections.test.again')}
          </button>
          <button type="button" className="button ghost" onClick={props.onClose}>
            {t('connections.test.close')}
          </button>
        </div>
      )}
    </div>
  );
}

function ReportView(props: { report: ConnectionReport; trustedNow?: string }) {
  const r = props.report;
  const { t, fmt, say } = useI18n();
  const failed = r.checks.filter((c) => !c.ok).length;
  return (
    <div className={`callout ${r.ok ? 'callout-ok' : 'callout-warn'}`} role="status">
      <h3>{r.ok ? t('connections.test.works') : t('connections.test.checksFailed', { count: failed })}</h3>
      {props.trustedNow && <p>{t('connections.test.trustedNow', { fingerprint: props.trustedNow })}</p>}
      <dl className="facts">
        <dt>{t('connections.test.latency')}</dt>
        <dd>{t('connections.test.ms', { ms: fmt.number(Math.round(r.latencyMs)) })}</dd>
        <dt>{t('connections.test.server')}</dt>
        <dd>
          <code>{r.serverIdent}</code>
        </dd>
        <dt>{t('connections.test.hostKey')}</dt>
        <dd>
          <code>{r.fingerprint}</code>
        </dd>
        <dt>{t('connections.test.extensions')}</dt>
        <dd>{r.extensions.length ? r.extensions.map((e) => <code key={e} className="chip">{e}</code>) : <span className="muted">{t('connections.test.noExtensions')}</span>}</dd>
      </dl>
      {r.checks.length === 0 ? (
        <p className="muted">{t('connections.test.noClients')}</p>
      ) : (
        <DataTable
          label={t('connections.test.checks')}
          caption={t('connections.test.checks')}
          rows={r.checks}
          rowKey={(_c, i) => i}
          columns={[
            {
              header: t('connections.test.col.result'),
              cell: (c) => <span className={`badge ${c.ok ? 'badge-ok' : 'badge-error'}`}>{c.ok ? t('connections.test.ok') : t('connections.test.checkFailed')}</span>,
            },
            { header: t('connections.test.col.client'), cell: (c) => c.client },
            { header: t('connections.test.col.directory'), cell: (c) => (c.role in ROLE_LABELS ? t(ROLE_LABELS[c.role]) : c.role) },
            { header: t('connections.test.col.path'), cell: (c) => <code>{c.dir}</code> },
            { header: t('connections.test.col.details'), cell: (c) => say(c.text, c.message) },
          ]}
        />
      )}
    </div>
  );
}

function UnknownKey(props: { error: AppErrorInfo; onTrust: (fingerprint: string) => void }) {
  const { t, rich, errorMessage } = useI18n();
  const { fingerprint: fp, keyType } = hostKey(props.error);
  const valid = typeof fp === 'string' && FINGERPRINT.test(fp);
  return (
    <div className="callout callout-info" role="alert">
      <h3>{t('connections.hostKey.unknownTitle')}</h3>
      <p>{typeof keyType === 'string' ? t('connections.hostKey.unknownTyped', { keyType }) : t('connections.hostKey.unknown')}</p>
      <p className="fingerprint" data-testid="offered-fingerprint">
        {valid ? fp : t('connections.hostKey.noFingerprint')}
      </p>
      <p>{rich('connections.hostKey.compare', { code: (c) => <code>{c}</code> })}</p>
      <p className="muted small">{errorMessage(props.error)}</p>
      <div className="button-row">
        <button type="button" className="button primary" disabled={!valid} onClick={() => valid && props.onTrust(fp)}>
          {t('connections.hostKey.trust')}
        </button>
      </div>
    </div>
  );
}

function ChangedKey(props: { error: AppErrorInfo; pinned: readonly string[]; onTrust: (fingerprint: string, replace: readonly string[]) => void }) {
  const id = useId();
  const { t, rich, fmt, errorMessage } = useI18n();
  const [confirmed, setConfirmed] = useState(false);
  const fp = hostKey(props.error).fingerprint;
  const valid = typeof fp === 'string' && FINGERPRINT.test(fp);
  return (
    <div className="callout callout-danger" role="alert">
      <h3>{t('connections.hostKey.changedTitle')}</h3>
      <p>{rich('connections.hostKey.changed', { b: (c) => <strong>{c}</strong> })}</p>
      <dl className="facts">
        <dt>{t('connections.hostKey.newKey')}</dt>
        <dd className="fingerprint" data-testid="new-fingerprint">
          {valid ? fp : t('connections.hostKey.notReported')}
        </dd>
        <dt>{t('connections.hostKey.oldKey')}</dt>
        <dd className="fingerprint" data-testid="pinned-fingerprint">
          {props.pinned.length ? fmt.list(props.pinned) : t('connections.hostKey.notReported')}
        </dd>
      </dl>
      <p>{t('connections.hostKey.ask')}</p>
      <p className="muted small">{errorMessage(props.error)}</p>
      <div className="check-field">
        <input id={`${id}-confirm`} type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <label htmlFor={`${id}-confirm`}>{t('connections.hostKey.confirmed')}</label>
      </div>
      <div className="button-row">
        <button type="button" className="button danger" disabled={!confirmed || !valid} onClick={() => valid && props.onTrust(fp, props.pinned)}>
          {t('connections.hostKey.replace')}
        </button>
      </div>
    </div>
  );
}

function SignInProblem(props: { error: AppErrorInfo; profile: Profile; onSecret: (secret: string, remember: boolean) => void }) {
  const id = useId();
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(true);
  const { t, errorMessage } = useI18n();
  const kind = props.profile.authKind;
  return (
    <ErrorCallout message={errorMessage(props.error)} title={props.error.code === 'AUTH_FAILED' ? t('connections.signIn.refused') : t('connections.signIn.missing', { kind })} level={3}>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (secret) props.onSecret(secret, remember);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-secret`}>{kind === 'password' ? t('connections.signIn.passwordFor', { user: props.profile.user }) : t('connections.form.passphrase')}</label>
          <input id={`${id}-secret`} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </div>
        <div className="check-field">
          <input id={`${id}-remember`} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor={`${id}-remember`}>{t('connections.signIn.remember')}</label>
        </div>
        <button type="submit" className="button primary" disabled={!secret}>
          {t('connections.signIn.use', { kind })}
        </button>
      </form>
    </ErrorCallout>
  );
}
