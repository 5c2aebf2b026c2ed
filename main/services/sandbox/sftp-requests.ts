/**
 * The SFTP requests of one session, served on the local file system inside the path jail:
 * open/read/write/close, stat and setstat, directory listing, realpath, rename, remove,
 * mkdir and rmdir. Anything else (SYMLINK, extensions) ssh2 refuses for us.
 */
import { link, lstat, mkdir, open, readdir, realpath, rename, rmdir, stat, truncate, unlink, chmod, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { SFTPWrapper, Attributes } from 'ssh2';
import type { JailedPath, JailError, PathJail } from './path-jail';
import { DENIED_OUTSIDE, longName, openFlags, STATUS_TEXT, statusForError, toAttrs } from './sftp-protocol';

const { STATUS_CODE } = ssh2.utils.sftp;

type Handle = { kind: 'file'; fh: FileHandle; virtual: string } | { kind: 'dir'; local: string; sent: boolean };

const MAX_READ = 256 * 1024;

/**
 * Serves one SFTP channel. `owner` is the logged-in user, shown in listings; `canWrite` is the
 * disk-full fault switch and `clockOffsetMs` the server clock's error (see SftpServerOptions).
 */
export function serveSftp(sftp: SFTPWrapper, jail: PathJail, owner: string, canWrite?: (virtualPath: string, growth: number) => Promise<boolean>, clockOffsetMs = 0): void {
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
      sftp.attrs(reqid, toAttrs(st, clockOffsetMs));
    }),
  );

  const statLike = (mode: 'follow' | 'nofollow') => (reqid: number, p: string) =>
    guard(reqid, async () => {
      const jp = await jailed(reqid, p, mode);
      if (!jp) return;
      const st = mode === 'follow' ? await stat(jp.local) : await lstat(jp.local);
      sftp.attrs(reqid, toAttrs(st, clockOffsetMs));
    });
  sftp.on('STAT', statLike('follow'));
  sftp.on('LSTAT', statLike('nofollow'));

  const applyAttrs = async (target: string | FileHandle, attrs: Attributes): Promise<void> => {
    const a = attrs as Partial<Attributes>;
    if (typeof a.size === 'number') await (typeof target === 'string' ? truncate(target, a.size) : target.truncate(a.size));
    if (typeof a.mode === 'number') await (typeof target === 'string' ? chmod(target, a.mode & 0o777) : target.chmod(a.mode & 0o777));
    if (typeof a.atime === 'number' && typeof a.mtime === 'number') {
      // The client names times on the server's clock; the disk keeps the machine's.
      const [atime, mtime] = [a.atime - clockOffsetMs / 1000, a.mtime - clockOffsetMs / 1000];
      await (typeof target === 'string' ? utimes(target, atime, mtime) : target.utimes(atime, mtime));
    }
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
        if (st) entries.push({ filename: name, longname: longName(name, st, owner, Date.now(), clockOffsetMs), attrs: toAttrs(st, clockOffsetMs) });
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
