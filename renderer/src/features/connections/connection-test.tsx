import { useId, useState } from 'react';
import type { ConnectionReport, Profile } from '../../../../shared/contract/profiles';
import type { AppErrorInfo } from '../../../../shared/contract/result';
import { useApi } from '../../api/api-context';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';

/** Where a connection test stands; kept by the profile card. */
export type TestState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly what: string }
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
    setState({ kind: 'running', what: 'Connecting and checking the directories…' });
    const r = await api.profiles.test({ name: profile.name });
    setState(r.ok ? { kind: 'report', report: r.value, trustedNow } : { kind: 'failed', error: r.error });
  };

  const trust = async (fingerprint: string, replace: readonly string[]) => {
    setState({ kind: 'running', what: 'Saving the trusted key…' });
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
    setState({ kind: 'running', what: 'Saving the password…' });
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
  if (state.kind === 'idle') return null;
  return (
    <div className="test-panel" aria-live="polite">
      {state.kind === 'running' && (
        <p className="running" role="status">
          <span className="spinner" aria-hidden="true" /> {state.what}
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
        <ErrorCallout message={state.error.message} title="The connection test failed" level={3}>
          <p className="muted small">Error code: {state.error.code}</p>
        </ErrorCallout>
      )}
      {state.kind !== 'running' && (
        <div className="button-row">
          <button type="button" className="button" onClick={props.onRetry}>
            Test again
          </button>
          <button type="button" className="button ghost" onClick={props.onClose}>
            Close test result
          </button>
        </div>
      )}
    </div>
  );
}

function ReportView(props: { report: ConnectionReport; trustedNow?: string }) {
  const r = props.report;
  const failed = r.checks.filter((c) => !c.ok).length;
  return (
    <div className={`callout ${r.ok ? 'callout-ok' : 'callout-warn'}`} role="status">
      <h3>{r.ok ? 'Connection works' : `Connected, but ${failed} check${failed === 1 ? '' : 's'} failed`}</h3>
      {props.trustedNow && <p>The server key {props.trustedNow} is now trusted for this connection.</p>}
      <dl className="facts">
        <dt>Latency</dt>
        <dd>{Math.round(r.latencyMs)} ms</dd>
        <dt>Server</dt>
        <dd>
          <code>{r.serverIdent}</code>
        </dd>
        <dt>Host key</dt>
        <dd>
          <code>{r.fingerprint}</code>
        </dd>
        <dt>Extensions</dt>
        <dd>{r.extensions.length ? r.extensions.map((e) => <code key={e} className="chip">{e}</code>) : <span className="muted">none advertised</span>}</dd>
      </dl>
      {r.checks.length === 0 ? (
        <p className="muted">This connection has no clients yet, so no directories were checked. Add a client under Edit.</p>
      ) : (
        <DataTable
          label="Directory checks"
          caption="Directory checks"
          rows={r.checks}
          rowKey={(_c, i) => i}
          columns={[
            { header: 'Result', cell: (c) => <span className={`badge ${c.ok ? 'badge-ok' : 'badge-error'}`}>{c.ok ? 'OK' : 'Failed'}</span> },
            { header: 'Client', cell: (c) => c.client },
            { header: 'Directory', cell: (c) => c.role },
            { header: 'Path', cell: (c) => <code>{c.dir}</code> },
            { header: 'Details', cell: (c) => c.message },
          ]}
        />
      )}
    </div>
  );
}

function UnknownKey(props: { error: AppErrorInfo; onTrust: (fingerprint: string) => void }) {
  const { fingerprint: fp, keyType } = hostKey(props.error);
  const valid = typeof fp === 'string' && FINGERPRINT.test(fp);
  return (
    <div className="callout callout-info" role="alert">
      <h3>Check the server’s identity</h3>
      <p>
        Loopdesk has not connected to this server before, so it cannot yet tell whether it is really your server. The server presented this key
        {typeof keyType === 'string' ? ` (${keyType})` : ''}:
      </p>
      <p className="fingerprint" data-testid="offered-fingerprint">
        {valid ? fp : 'The server did not report a usable fingerprint.'}
      </p>
      <p>
        Compare it with the fingerprint your server administrator or Optimizely support gives you (for OpenSSH servers:{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>). Trust it only if they match exactly; from then on Loopdesk refuses to
        connect if the server’s key changes.
      </p>
      <p className="muted small">{props.error.message}</p>
      <div className="button-row">
        <button type="button" className="button primary" disabled={!valid} onClick={() => valid && props.onTrust(fp)}>
          Trust this key
        </button>
      </div>
    </div>
  );
}

function ChangedKey(props: { error: AppErrorInfo; pinned: readonly string[]; onTrust: (fingerprint: string, replace: readonly string[]) => void }) {
  const id = useId();
  const [confirmed, setConfirmed] = useState(false);
  const fp = hostKey(props.error).fingerprint;
  const valid = typeof fp === 'string' && FINGERPRINT.test(fp);
  return (
    <div className="callout callout-danger" role="alert">
      <h3>Warning: the server’s key has changed</h3>
      <p>
        <strong>Do not continue yet.</strong> The server answered with a different key than the one you trusted before. This can mean someone is
        intercepting the connection (a possible attack), or that the administrator replaced the server’s key. Loopdesk has not sent your password or any
        file.
      </p>
      <dl className="facts">
        <dt>New key offered now</dt>
        <dd className="fingerprint" data-testid="new-fingerprint">
          {valid ? fp : 'not reported'}
        </dd>
        <dt>Key you trusted before</dt>
        <dd className="fingerprint" data-testid="pinned-fingerprint">
          {props.pinned.length ? props.pinned.join(', ') : 'not reported'}
        </dd>
      </dl>
      <p>
        Contact the server administrator (or Optimizely support) and ask whether the key was changed. Trust the new key only if they confirm this exact
        fingerprint.
      </p>
      <p className="muted small">{props.error.message}</p>
      <div className="check-field">
        <input id={`${id}-confirm`} type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <label htmlFor={`${id}-confirm`}>The administrator confirmed this new fingerprint</label>
      </div>
      <div className="button-row">
        <button type="button" className="button danger" disabled={!confirmed || !valid} onClick={() => valid && props.onTrust(fp, props.pinned)}>
          Replace the trusted key
        </button>
      </div>
    </div>
  );
}

function SignInProblem(props: { error: AppErrorInfo; profile: Profile; onSecret: (secret: string, remember: boolean) => void }) {
  const id = useId();
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(true);
  const what = props.profile.authKind === 'password' ? 'password' : 'key passphrase';
  return (
    <ErrorCallout message={props.error.message} title={props.error.code === 'AUTH_FAILED' ? 'The server refused the sign-in' : `The ${what} is not available`} level={3}>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (secret) props.onSecret(secret, remember);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-secret`}>{props.profile.authKind === 'password' ? `Password for ${props.profile.user}` : 'Key passphrase'}</label>
          <input id={`${id}-secret`} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </div>
        <div className="check-field">
          <input id={`${id}-remember`} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor={`${id}-remember`}>Remember it in the system’s secret store</label>
        </div>
        <button type="submit" className="button primary" disabled={!secret}>
          Use this {what} and test again
        </button>
      </form>
    </ErrorCallout>
  );
}
