import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SshdHandle } from './sshd';

const owners = new Map<string, { readonly uid: number; readonly gid: number }>();

/** The uid and gid of the sshd's login: the tests run as root, and what they make on the server must belong to it. */
export function sshdOwner(sshd: SshdHandle): { readonly uid: number; readonly gid: number } {
  const id = (flag: '-u' | '-g') => Number(execFileSync('id', [flag, sshd.user], { encoding: 'utf8' }).trim());
  if (!owners.has(sshd.user)) owners.set(sshd.user, { uid: id('-u'), gid: id('-g') });
  return owners.get(sshd.user)!;
}

/** Creates `rel` under the server root with `mode`, it and its parents below the root owned by the login; answers its path. */
export function serverDir(sshd: SshdHandle, rel: string, mode = 0o755): string {
  const owner = sshdOwner(sshd);
  const path = join(sshd.root, rel);
  mkdirSync(path, { recursive: true });
  for (let p = path; p.startsWith(sshd.root) && p !== sshd.root; p = join(p, '..')) chownSync(p, owner.uid, owner.gid);
  chmodSync(path, mode);
  return path;
}

/** Writes `text` to `rel` under the server root (its folder must exist), owned by the login; answers its path. */
export function serverFile(sshd: SshdHandle, rel: string, text: string): string {
  const owner = sshdOwner(sshd);
  const path = join(sshd.root, rel);
  writeFileSync(path, text);
  chownSync(path, owner.uid, owner.gid);
  return path;
}

/** A client's three folders on the server (`upload`, `logs`, `responses`), owned by the login. */
export function clientDirs(sshd: SshdHandle): { readonly upload: string; readonly logs: string; readonly responses: string } {
  return { upload: serverDir(sshd, 'upload'), logs: serverDir(sshd, 'logs'), responses: serverDir(sshd, 'responses') };
}
