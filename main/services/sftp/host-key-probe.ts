import type { Client as Ssh2Client } from 'ssh2';
import { createRequire } from 'node:module';

/** ssh2 loads on first use (a tenth of a second at every CLI start otherwise). */
const loadClient = (): typeof Ssh2Client => (createRequire(import.meta.url)('ssh2') as { Client: typeof Ssh2Client }).Client;
import { AppError } from '../../../shared/contract/result';
import { mapConnectError } from './errors';
import { fingerprintOf, keyTypeOf } from './fingerprint';

/** What the server showed before any login. */
export interface HostKeyInfo {
  readonly fingerprint: string;
  readonly keyType: string;
  readonly serverIdent: string;
}

/**
 * Reads the server's host key without logging in.
 *
 * The verifier captures the key and then refuses it, so the handshake stops before any
 * credential is sent: safe to run against a server nobody has trusted yet.
 */
export function probeHostKey(params: { readonly host: string; readonly port: number; readonly timeoutMs: number }): Promise<HostKeyInfo> {
  const { host, port, timeoutMs } = params;
  return new Promise<HostKeyInfo>((resolve, reject) => {
    const Client = loadClient();
    const client = new Client();
    let captured: HostKeyInfo | undefined;
    let settled = false;
    const finish = (err: unknown, info?: HostKeyInfo) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners();
      // Keeps late socket errors from becoming unhandled 'error' events.
      client.on('error', () => undefined);
      client.destroy();
      if (info) resolve(info);
      else reject(mapConnectError(err, { host, port, username: '' }));
    };
    const timer = setTimeout(
      () => finish(new AppError('TIMEOUT', 'error.sftp.probeNoAnswer', { at: `${host}:${port}`, seconds: Math.round(timeoutMs / 1000) }, { host, port, transient: true })),
      timeoutMs,
    );
    client.on('error', (err) => (captured ? finish(null, captured) : finish(err)));
    client.on('close', () => (captured ? finish(null, captured) : finish(new Error(`Connection lost before ${host}:${port} sent a host key`))));
    client.on('ready', () => finish(new Error('The server accepted a login that was never offered')));
    try {
      client.connect({
        host,
        port,
        username: 'loopdesk-probe',
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          const proto = (client as unknown as { _protocol?: { _remoteIdentRaw?: Buffer } })._protocol;
          captured = {
            fingerprint: fingerprintOf(key),
            keyType: keyTypeOf(key),
            serverIdent: proto?._remoteIdentRaw?.toString('latin1') ?? '',
          };
          return false;
        },
      });
    } catch (err) {
      finish(err);
    }
  });
}
