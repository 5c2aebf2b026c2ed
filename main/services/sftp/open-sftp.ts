import type SftpClientType from 'ssh2-sftp-client';
import { createRequire } from 'node:module';
import type { Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import { AppError } from '../../../shared/contract/result';
import { algorithmsFor } from './algorithms';
import { mapConnectError } from './errors';
import { fingerprintOf, keyTypeOf } from './fingerprint';
import { checkHostKey } from './host-key-policy';
import { createSession } from './sftp-session';
import { withTimeout } from './timeout';
import type { OpenSftpOptions, SftpClientInternals, SftpSession, SftpTarget } from './types';

/**
 * Extra time on top of readyTimeout for opening the SFTP subsystem after login, at most one
 * operation timeout: a server that stalls right after login must not hold a short-timeout
 * profile for 5 s more than it asked for.
 */
const SUBSYSTEM_GRACE_MS = 5_000;

/** ssh2's remote ident lives on its protocol object; not part of the typed API. */
function serverIdentOf(client: Client): string {
  const internals = client as unknown as { _protocol?: { _remoteIdentRaw?: Buffer }; _remoteVer?: string };
  return internals._protocol?._remoteIdentRaw?.toString('latin1') ?? internals._remoteVer ?? '';
}

/** SFTP extensions the server announced in its VERSION packet (ssh2 keeps them on `_extensions`). */
function extensionsOf(sftp: SFTPWrapper | undefined): string[] {
  const ext = (sftp as unknown as { _extensions?: Record<string, string> } | undefined)?._extensions;
  return ext ? Object.keys(ext).sort() : [];
}

/**
 * Opens one SFTP connection after verifying the server's host key against the pinned list.
 *
 * One SftpClient per connection (a shared one leaks listeners). TCP_NODELAY is switched on
 * because without it uploads to OpenSSH are ~100x slower (design.md). Failures come back as
 * AppError: HOST_KEY_UNKNOWN / HOST_KEY_CHANGED, AUTH_FAILED, CONNECTION_FAILED or TIMEOUT.
 */
export async function openSftp(target: SftpTarget, opts: OpenSftpOptions = {}): Promise<SftpSession> {
  const log = opts.log ?? (() => undefined);
  const { host, port, username, options } = target;
  if (!target.password && !target.privateKey) {
    throw new AppError('SECRET_UNAVAILABLE', 'error.sftp.noSecret', { username, host }, {
      host,
      port,
      username,
    });
  }

  let hostKeyError: AppError | undefined;
  let seen: { fingerprint: string; keyType: string } | undefined;
  // Loaded on first connect, not at every CLI start (ssh2 and its client take a tenth of a second).
  const SftpClient = createRequire(import.meta.url)('ssh2-sftp-client') as typeof SftpClientType;
  const client = new SftpClient(`loopdesk:${host}:${port}`, {
    // The library's defaults print to the console; route its events to our log instead.
    error: (err) => log({ level: 'warn', kind: 'sftp.connection.error', messageId: 'sends.transfer.connectionError', values: { at: `${host}:${port}` }, details: String((err as Error)?.message ?? err) }),
    end: () => log({ level: 'info', kind: 'sftp.connection.end', messageId: 'sends.transfer.serverEnded', values: { at: `${host}:${port}` } }),
    close: () => log({ level: 'info', kind: 'sftp.connection.close', messageId: 'sends.transfer.closed', values: { at: `${host}:${port}` } }),
  });
  const internals = client as unknown as SftpClientInternals;
  const ssh = internals.client;

  // Some servers (PAM setups) only offer keyboard-interactive for passwords.
  if (target.password) {
    ssh.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => target.password ?? '')));
  }

  const readyTimeout = options.connectTimeoutSeconds * 1000;
  const config: ConnectConfig = {
    host,
    port,
    username,
    password: target.password,
    privateKey: target.privateKey,
    passphrase: target.passphrase,
    tryKeyboard: Boolean(target.password),
    readyTimeout,
    keepaliveInterval: options.keepaliveSeconds * 1000,
    keepaliveCountMax: 3,
    algorithms: algorithmsFor(options.legacyAlgorithms),
    hostVerifier: (key: Buffer) => {
      const fingerprint = fingerprintOf(key);
      const keyType = keyTypeOf(key);
      seen = { fingerprint, keyType };
      const refusal = checkHostKey(fingerprint, keyType, target.trustedKeys);
      if (refusal) {
        hostKeyError = refusal;
        log({ level: refusal.code === 'HOST_KEY_CHANGED' ? 'error' : 'warn', kind: 'sftp.hostkey.refused', messageId: refusal.messageId!, values: refusal.values, details: JSON.stringify(refusal.details) });
        return false;
      }
      return true;
    },
  };

  const started = Date.now();
  try {
    const grace = Math.min(SUBSYSTEM_GRACE_MS, options.operationTimeoutSeconds * 1000);
    await withTimeout(client.connect(config), readyTimeout + grace, { kind: 'connect', at: `${host}:${port}` }, () => ssh.destroy());
  } catch (err) {
    ssh.destroy();
    const appErr = hostKeyError ?? mapConnectError(err, { host, port, username });
    log({
      level: 'warn',
      kind: 'sftp.connect.failed',
      ...(appErr.messageId ? { messageId: appErr.messageId, values: appErr.values } : { messageId: 'error.code.INTERNAL' as const, values: { detail: appErr.message } }),
      details: `${appErr.code}: ${(err as Error)?.message ?? String(err)}`,
    });
    throw appErr;
  }
  if (!seen) {
    // ssh2 never asked our verifier: refusing is the only safe answer.
    ssh.destroy();
    throw new AppError('HOST_KEY_UNKNOWN', 'error.sftp.notVerified', { at: `${host}:${port}` }, { fingerprint: '', keyType: '' });
  }

  ssh.setNoDelay(true);
  const serverIdent = serverIdentOf(ssh);
  const extensions = extensionsOf(internals.sftp);
  log({
    level: 'info',
    kind: 'sftp.connect',
    messageId: 'sends.transfer.connected',
    values: { username, at: `${host}:${port}`, ms: Date.now() - started },
    details: JSON.stringify({ serverIdent, fingerprint: seen.fingerprint, extensions }),
  });
  return createSession({ client, target, log, serverIdent, fingerprint: seen.fingerprint, keyType: seen.keyType, extensions, reconnect: () => openSftp(target, opts) });
}
