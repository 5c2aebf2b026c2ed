/**
 * How the sandbox's SFTP server speaks SFTP v3 the way OpenSSH's sftp-server does: status codes
 * and their texts for file-system errors, open flags, file attributes and `ls -l` long names.
 */
import { constants as FS, type Stats } from 'node:fs';
import ssh2 from 'ssh2';
import type { Attributes } from 'ssh2';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

/** The texts OpenSSH sends with the statuses the sandbox answers (never an fs message: it would reveal disk paths). */
export const STATUS_TEXT: Record<number, string> = {
  [STATUS_CODE.NO_SUCH_FILE]: 'No such file or directory',
  [STATUS_CODE.PERMISSION_DENIED]: 'Permission denied',
  [STATUS_CODE.FAILURE]: 'Failure',
};
/** The refusal of a path that leads outside the chroot. */
export const DENIED_OUTSIDE = 'Permission denied: the path leads outside the sandbox root';
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

/**
 * SFTP attributes of a file. `clockOffsetMs` is how far the server's clock runs ahead (negative:
 * behind) of the machine's, whose times the disk keeps: a server with a wrong clock reports its
 * files' times on that clock (SandboxOptions.clockOffsetSeconds).
 */
export function toAttrs(st: Stats, clockOffsetMs = 0): Attributes {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor((st.atimeMs + clockOffsetMs) / 1000), mtime: Math.floor((st.mtimeMs + clockOffsetMs) / 1000) };
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
export function longName(name: string, st: Stats, owner: string, nowMs = Date.now(), clockOffsetMs = 0): string {
  const d = new Date(st.mtimeMs + clockOffsetMs);
  const recent = Math.abs(nowMs - st.mtimeMs) < 182 * 24 * 3600 * 1000;
  const when = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${recent ? `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}` : ` ${d.getFullYear()}`}`;
  return `${permString(st.mode)} ${String(st.nlink).padStart(4)} ${owner.padEnd(8)} ${owner.padEnd(8)} ${String(st.size).padStart(8)} ${when} ${name}`;
}
