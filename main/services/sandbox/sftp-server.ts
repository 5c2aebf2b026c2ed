/**
 * The sandbox's SFTP server: ssh2's `Server` on 127.0.0.1 with logins (sftp-auth.ts) and the
 * SFTP subsystem (sftp-requests.ts) on the local file system, chrooted by path-jail.ts.
 */
import ssh2 from 'ssh2';
import type { AuthContext, Connection } from 'ssh2';
import { PathJail } from './path-jail';
import { authenticate, reject, type SandboxUser } from './sftp-auth';
import { serveSftp } from './sftp-requests';

export type { SandboxUser } from './sftp-auth';
export { longName, openFlags, statusForError, toAttrs } from './sftp-protocol';

const { Server } = ssh2;

/** What the SFTP server needs to run. */
export interface SftpServerOptions {
  /** Directory every user is chrooted to. */
  readonly root: string;
  /** OpenSSH-format private host key. */
  readonly hostKey: string;
  readonly users: readonly SandboxUser[];
  /** OpenSSH `authorized_keys` file, re-read on every key login (as sshd does). */
  readonly authorizedKeysFile: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 127.0.0.1; the sandbox never listens elsewhere. */
  readonly host?: string;
  /**
   * Fault switch: asked before a WRITE that grows a file by `growth` bytes (`virtualPath` is the
   * SFTP path). `false` makes the WRITE fail with SSH_FX_FAILURE, as OpenSSH does on a full disk.
   * Absent: every write is allowed.
   */
  readonly canWrite?: (virtualPath: string, growth: number) => Promise<boolean>;
  /**
   * How far the server's clock runs ahead (negative: behind) of this machine's, in ms: the file
   * times it reports (STAT, READDIR) and accepts (SETSTAT) are on that clock. Default 0.
   */
  readonly clockOffsetMs?: number;
}

/** A running SFTP server. */
export interface SftpServerHandle {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox's SFTP server: ssh2's `Server` with an SFTP subsystem implemented
 * on the local file system, chrooted to `root`.
 *
 * It implements what ssh2-sftp-client and OpenSSH's `sftp` send; everything else (shell,
 * exec, SYMLINK, extensions) is refused, so the sandbox can never be a way off the box.
 */
export async function startSftpServer(opts: SftpServerOptions): Promise<SftpServerHandle> {
  const jail = await PathJail.create(opts.root);
  const host = opts.host ?? '127.0.0.1';
  const connections = new Set<Connection>();

  const server = new Server({ hostKeys: [opts.hostKey], ident: 'LoopdeskSandbox_1.0' }, (client) => {
    connections.add(client);
    let userName = '';
    client.on('authentication', (ctx: AuthContext) => {
      void authenticate(ctx, opts.users, opts.authorizedKeysFile, (name) => (userName = name)).catch(() => reject(ctx));
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), jail, userName, opts.canWrite, opts.clockOffsetMs ?? 0));
      });
    });
    client.on('error', () => {
      /* a client dropping the connection is not the server's problem */
    });
    client.on('close', () => connections.delete(client));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
        // Connections that ignore end() must not keep stop() waiting.
        setTimeout(() => {
          for (const c of connections) (c as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
        }, 500).unref();
      }),
  };
}

