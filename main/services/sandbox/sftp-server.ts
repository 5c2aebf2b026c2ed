import { timingSafeEqual } from 'node:crypto';
import { constants as FS, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, rmdir, stat, truncate, unlink, chmod, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, SFTPWrapper, Attributes } from 'ssh2';
import { PathJail, type JailedPath, type JailError } from './path-jail';

const { Server, utils } = ssh2;
const { OPEN_MODE, STATUS_CODE } = utils.sftp;

/** A login the sandbox accepts. */
export interface SandboxUser {
  readonly name: string;
  readonly password: string;
}

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
}

/** A running SFTP server. */
export interface SftpServerHandle {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

type Handle = { kind: 'file'; fh: FileHandle; virtual: string } | { kind: 'dir'; local: string; sent: boolean };

const MAX_READ = 256 * 1024;
const DENIED_OUTSIDE = 'Permission denied: the path leads outside the sandbox root';
const STATUS_TEXT: Record<number, string> = {
  [STATUS_CODE.NO_SUCH_FILE]: 'No such file or directory',
  [STATUS_CODE.PERMISSION_DENIED]: 'Permission denied',
  [STATUS_CODE.FAILURE]: 'Failure',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Maps a Node file-system error to the SFTP status OpenSSH's sftp-server would send. */
export function statusForError(err: unknown): number {
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

/** SFTP open flags to `fs.open` flags; null for combinations that make no sense. */
export function openFlags(pflags: number): number | null {
  const read = (pflags & OPEN_MODE.READ) !== 0;
  const write = (pflags & OPEN_MODE.WRITE) !== 0 || (pflags & OPEN_MODE.APPEND) !== 0;
  if (!read && !write) return null;
  let flags = read && write ? FS.O_RDWR : write ? FS.O_WRONLY : FS.O_RDONLY;
  if (pflags & OPEN_MODE.APPEND) flags |= FS.O_APPEND;
  if (pflags & OPEN_MODE.CREAT) flags |= FS.O_CREAT;
  if (pflags & OPEN_MODE.TRUNC) flags |= FS.O_TRUNC;
  if (pflags & OPEN_MODE.EXCL) flags |= FS.O_EXCL;
  return flags;
}

/** SFTP attributes of a file. */
export function toAttrs(st: Stats): Attributes {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

function permString(mode: number): string {
  const type = (mode & FS.S_IFMT) === FS.S_IFDIR ? 'd' : (mode & FS.S_IFMT) === FS.S_IFLNK ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let out = type;
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

/**
 * An `ls -l` line as OpenSSH's sftp-server writes it in READDIR replies.
 *
 * ssh2-sftp-client's list() reads the type and rights from this string, so it has to
 * be there and in this shape.
 */
export function longName(name: string, st: Stats, owner: string, nowMs = Date.now()): string {
  const d = st.mtime;
  const recent = Math.abs(nowMs - st.mtimeMs) < 182 * 24 * 3600 * 1000;
  const when = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${recent ? `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}` : ` ${d.getFullYear()}`}`;
  return `${permString(st.mode)} ${String(st.nlink).padStart(4)} ${owner.padEnd(8)} ${owner.padEnd(8)} ${String(st.size).padStart(8)} ${when} ${name}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function authorizedKeys(file: string): Promise<ParsedKey[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const keys: ParsedKey[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const parsed = utils.parseKey(t);
    if (!(parsed instanceof Error)) keys.push(Array.isArray(parsed) ? parsed[0] : parsed);
  }
  return keys;
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
      void authenticate(ctx).catch(() => ctx.reject(['password', 'publickey']));
    });
    async function authenticate(ctx: AuthContext): Promise<void> {
      const user = opts.users.find((u) => u.name === ctx.username);
      if (!user) return ctx.reject(['password', 'publickey']);
      if (ctx.method === 'password') {
        if (safeEqual(ctx.password, user.password)) {
          userName = user.name;
          return ctx.accept();
        }
        return ctx.reject(['password', 'publickey']);
      }
      if (ctx.method === 'publickey') {
        const keys = await authorizedKeys(opts.authorizedKeysFile);
        const match = keys.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
        if (!match) return ctx.reject(['password', 'publickey']);
        if (!ctx.signature) return ctx.accept();
        if (ctx.blob && match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
          userName = user.name;
          return ctx.accept();
        }
        return ctx.reject(['password', 'publickey']);
      }
      return ctx.reject(['password', 'publickey']);
    }
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), jail, userName, opts.canWrite));
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

function serveSftp(sftp: SFTPWrapper, jail: PathJail, owner: string, canWrite?: SftpServerOptions['canWrite']): void {
  const handles = new Map<number, Handle>();
  let nextHandle = 1;

  const newHandle = (h: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const getHandle = (buf: Buffer): [number, Handle | undefined] => {
    if (buf.length !== 4) return [0, undefined];
    const id = buf.readUInt32BE(0);
    return [id, handles.get(id)];
  };
  // Messages are the standard ones: an fs error message would reveal the disk path behind the chroot.
  const fail = (reqid: number, err: unknown): void => {
    const code = statusForError(err);
    sftp.status(reqid, code, STATUS_TEXT[code] ?? 'Failure');
  };
  /** Resolves a path or answers the request with the right refusal. */
  const jailed = async (reqid: number, p: string, mode: 'follow' | 'nofollow'): Promise<JailedPath | null> => {
    const r: JailedPath | JailError = await jail.resolve(p, mode);
    if (r === 'outside') {
      sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, DENIED_OUTSIDE);
      return null;
    }
    if (r === 'missing') {
      sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE, 'No such file or directory');
      return null;
    }
    return r;
  };
  const guard = (reqid: number, fn: () => Promise<void>): void => {
    fn().catch((err) => {
      try {
        fail(reqid, err);
      } catch {
        /* channel already closed */
      }
    });
  };

  sftp.on('OPEN', (reqid, filename, pflags, attrs) =>
    guard(reqid, async () => {
      const flags = openFlags(pflags);
      if (flags === null) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Bad open flags');
      const p = await jailed(reqid, filename, 'follow');
      if (!p) return;
      const mode = typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o644;
      const fh = await open(p.local, flags, mode);
      sftp.handle(reqid, newHandle({ kind: 'file', fh, virtual: p.virtual }));
    }),
  );

  sftp.on('READ', (reqid, handle, offset, len) =>
    guard(reqid, async () => {
      const [, h] = getHandle(handle);
      if (!h || h.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      const buf = Buffer.alloc(Math.min(len, MAX_READ));
      const { bytesRead } = await h.fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) return void sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, buf.subarray(0, bytesRead));
    }),
  );

  sftp.on('WRITE', (reqid, handle, offset, data) =>
    guard(reqid, async () => {
      const [, h] = getHandle(handle);
      if (!h || h.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      if (canWrite) {
        const growth = Math.max(0, offset + data.length - (await h.fh.stat()).size);
        // The bare "Failure" is all OpenSSH says on ENOSPC (SFTP v3 has no "disk full" code).
        if (growth > 0 && !(await canWrite(h.virtual, growth))) return void sftp.status(reqid, STATUS_CODE.FAILURE, STATUS_TEXT[STATUS_CODE.FAILURE]);
      }
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await h.fh.write(data, done, data.length - done, offset + done);
        done += bytesWritten;
      }
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('CLOSE', (reqid, handle) =>
    guard(reqid, async () => {
      const [id, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      handles.delete(id);
      if (h.kind === 'file') await h.fh.close();
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('FSTAT', (reqid, handle) =>
    guard(reqid, async () => {
      const [, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      const st = h.kind === 'file' ? await h.fh.stat() : await stat(h.local);
      sftp.attrs(reqid, toAttrs(st));
    }),
  );

  const statLike = (mode: 'follow' | 'nofollow') => (reqid: number, p: string) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, mode);
      if (!jp) return;
      const st = mode === 'follow' ? await stat(jp.local) : await lstat(jp.local);
      sftp.attrs(reqid, toAttrs(st));
    });
  sftp.on('STAT', statLike('follow'));
  sftp.on('LSTAT', statLike('nofollow'));

  const applyAttrs = async (target: string | FileHandle, attrs: Attributes): Promise<void> => {
    const a = attrs as Partial<Attributes>;
    if (typeof a.size === 'number') await (typeof target === 'string' ? truncate(target, a.size) : target.truncate(a.size));
    if (typeof a.mode === 'number') await (typeof target === 'string' ? chmod(target, a.mode & 0o777) : target.chmod(a.mode & 0o777));
    if (typeof a.atime === 'number' && typeof a.mtime === 'number')
      await (typeof target === 'string' ? utimes(target, a.atime, a.mtime) : target.utimes(a.atime, a.mtime));
    // uid/gid are ignored: the sandbox owns every file, as a chrooted OpenSSH user would not chown either.
  };

  sftp.on('SETSTAT', (reqid, p, attrs) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, 'follow');
      if (!jp) return;
      await applyAttrs(jp.local, attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('FSETSTAT', (reqid, handle, attrs) =>
    guard(reqid, async () => {
      const [, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      await applyAttrs(h.kind === 'file' ? h.fh : h.local, attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('OPENDIR', (reqid, p) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, 'follow');
      if (!jp) return;
      const st = await stat(jp.local);
      if (!st.isDirectory()) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', local: jp.local, sent: false }));
    }),
  );

  sftp.on('READDIR', (reqid, handle) =>
    guard(reqid, async () => {
      const [, h] = getHandle(handle);
      if (!h || h.kind !== 'dir') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Invalid handle');
      if (h.sent) return void sftp.status(reqid, STATUS_CODE.EOF);
      h.sent = true;
      const names = (await readdir(h.local)).sort();
      const entries = [];
      for (const name of names) {
        const st = await lstat(path.join(h.local, name)).catch(() => null);
        if (st) entries.push({ filename: name, longname: longName(name, st, owner), attrs: toAttrs(st) });
      }
      if (entries.length === 0) return void sftp.status(reqid, STATUS_CODE.EOF);
      sftp.name(reqid, entries);
    }),
  );

  sftp.on('REALPATH', (reqid, p) =>
    guard(reqid, async () => {
      const mapped = jail.map(p);
      if (!mapped) return void sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, DENIED_OUTSIDE);
      let virtual = mapped.virtual;
      const real = await realpath(mapped.local).catch(() => null);
      if (real) {
        const v = jail.toVirtual(real);
        if (v === null) return void sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, DENIED_OUTSIDE);
        virtual = v;
      }
      sftp.name(reqid, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
    }),
  );

  sftp.on('RENAME', (reqid, oldPath, newPath) =>
    guard(reqid, async () => {
      const from = await jailed(reqid, oldPath, 'nofollow');
      if (!from) return;
      const to = await jailed(reqid, newPath, 'nofollow');
      if (!to) return;
      const src = await lstat(from.local);
      if (await lstat(to.local).then(() => true, () => false)) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Target exists');
      if (src.isDirectory()) await rename(from.local, to.local);
      else {
        // link()+unlink() never replaces an existing target, exactly like OpenSSH's sftp-server.
        try {
          await link(from.local, to.local);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Target exists');
          throw e;
        }
        await unlink(from.local);
      }
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('REMOVE', (reqid, p) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, 'nofollow');
      if (!jp) return;
      const st = await lstat(jp.local);
      if (st.isDirectory()) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'Is a directory');
      await unlink(jp.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('MKDIR', (reqid, p, attrs) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, 'nofollow');
      if (!jp) return;
      await mkdir(jp.local, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o755);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('RMDIR', (reqid, p) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, 'nofollow');
      if (!jp) return;
      if (jp.virtual === '/') return void sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, 'Cannot remove the root');
      await rmdir(jp.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  // OpenSSH's sftp sends EOF and then waits for the channel to close; without this it hangs.
  sftp.on('end', () => sftp.end());
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') void h.fh.close().catch(() => undefined);
    handles.clear();
  });
}
