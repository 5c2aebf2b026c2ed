/**
 * Logins to the sandbox's SFTP server: a configured user's password (compared in constant
 * time) or a public key from the OpenSSH `authorized_keys` file, re-read on every key login.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AuthContext, AuthenticationType, ParsedKey } from 'ssh2';

/** A login the sandbox accepts. */
export interface SandboxUser {
  readonly name: string;
  readonly password: string;
}

const METHODS: AuthenticationType[] = ['password', 'publickey'];


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
    const parsed = ssh2.utils.parseKey(t);
    if (!(parsed instanceof Error)) keys.push(Array.isArray(parsed) ? parsed[0] : parsed);
  }
  return keys;
}

/**
 * Answers one authentication request (accept or reject). `onLogin` gets the user name just
 * before a login is accepted (not for a key query without a signature, which is only a question).
 */
export async function authenticate(ctx: AuthContext, users: readonly SandboxUser[], authorizedKeysFile: string, onLogin: (userName: string) => void): Promise<void> {
  const user = users.find((u) => u.name === ctx.username);
  if (!user) return reject(ctx);
  if (ctx.method === 'password') {
    if (safeEqual(ctx.password, user.password)) {
      onLogin(user.name);
      return ctx.accept();
    }
    return reject(ctx);
  }
  if (ctx.method === 'publickey') {
    const keys = await authorizedKeys(authorizedKeysFile);
    const match = keys.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
    if (!match) return reject(ctx);
    if (!ctx.signature) return ctx.accept();
    if (ctx.blob && match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
      onLogin(user.name);
      return ctx.accept();
    }
    return reject(ctx);
  }
  return reject(ctx);
}

/** Rejects, naming the methods the client may try next. */
export function reject(ctx: AuthContext): void {
  ctx.reject(METHODS);
}
