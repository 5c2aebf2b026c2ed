import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { Database } from '../../../main/services/store/database';
import { tempDir } from '../../helpers/temp-dir';
import { bytesHave, dataFileBytes, marker } from './raw-bytes';

/**
 * Encryption at rest switched on and off from the Settings screen (`app.setEncryption`),
 * applied by the host's restart. Writing encrypted files needs DuckDB's httpfs crypto module,
 * which this machine cannot fetch, so the round trip uses `insecureTestCrypto` (the same file
 * format and code path; see encrypted-store.test.ts); the refusal without it is tested too.
 */
const dirs: ReturnType<typeof tempDir>[] = [];
const open: AppContext[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
  dirs.splice(0).forEach((d) => d.cleanup());
});

function newDataDir(): string {
  const d = tempDir('loopdesk-switch-');
  dirs.push(d);
  return d.path;
}

async function start(dataDir: string, env: NodeJS.ProcessEnv, restarts: string[], testCrypto = true): Promise<AppContext> {
  const context = await openAppContext({
    dataDir,
    host: 'memory',
    secrets: null,
    env,
    requestRestart: () => restarts.push('restart'),
    ...(testCrypto ? { databaseOptions: { insecureTestCrypto: true } } : {}),
  });
  open.push(context);
  return context;
}

async function stop(context: AppContext): Promise<void> {
  open.splice(open.indexOf(context), 1);
  await context.close();
}

async function call<T>(context: AppContext, channel: string, payload: unknown): Promise<T> {
  const r = await context.dispatcher.handle(channel, payload, { transport: 'memory' });
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

describe('encryption at rest switched from Settings', () => {
  it('turns on, restarts into an encrypted file, turns off, restarts into a plain file, and keeps every entry', async () => {
    const dataDir = newDataDir();
    const env = { LOOPDESK_DATA_KEY: randomBytes(32).toString('base64') };
    const dbPath = join(dataDir, 'loopdesk.duckdb');
    const restarts: string[] = [];
    const secret = marker('switch');

    let context = await start(dataDir, env, restarts);
    await context.db.run("INSERT INTO suppression VALUES ($1, 'bounce', 'test', now())", [secret]);
    expect(await call(context, 'app.dataAtRest', {})).toMatchObject({ encrypt: false, encryptAfterRestart: false, restartable: true });
    expect(await call(context, 'app.setEncryption', { encrypt: true })).toEqual({ encryptAfterRestart: true, restarting: true });
    await expect.poll(() => restarts.length).toBe(1);
    expect(await call(context, 'app.dataAtRest', {})).toMatchObject({ encrypt: false, encryptAfterRestart: true });
    await stop(context);

    context = await start(dataDir, env, restarts);
    expect(await call(context, 'app.dataAtRest', {})).toMatchObject({ encrypt: true, encryptAfterRestart: true });
    expect(context.db.encrypted).toBe(true);
    await context.db.run('CHECKPOINT');
    expect(bytesHave(dataFileBytes(dbPath), secret), 'the marker must not be readable in the encrypted file').toBe(false);
    const activity = await call<{ entries: { kind: string; message: string; text: { id: string } | null }[] }>(context, 'activity.list', { limit: 10 });
    expect(activity.entries.find((e) => e.kind === 'settings')?.text?.id).toBe('encryption.activity.turnedOn');
    expect(await call(context, 'app.setEncryption', { encrypt: false })).toEqual({ encryptAfterRestart: false, restarting: true });
    await stop(context);

    context = await start(dataDir, env, restarts);
    expect(context.db.encrypted).toBe(false);
    expect(await call(context, 'app.dataAtRest', {})).toMatchObject({ encrypt: false, encryptAfterRestart: false });
    expect((await context.db.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email)).toContain(secret);
    await stop(context);
    // Plain again: it opens without any key, and no conversion file is left behind.
    const plain = await Database.open(dbPath, ALL_MIGRATIONS);
    expect((await plain.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email)).toContain(secret);
    await plain.close();
    expect(existsSync(`${dbPath}.decrypting`)).toBe(false);
    expect(bytesHave(dataFileBytes(dbPath), secret)).toBe(true);
  });

  it('refuses to turn on where DuckDB cannot write encrypted files, says what to do, and changes nothing', async () => {
    const dataDir = newDataDir();
    const restarts: string[] = [];
    const context = await start(dataDir, { LOOPDESK_DATA_KEY: randomBytes(32).toString('base64'), LOOPDESK_DUCKDB_CRYPTO_EXTENSION: join(dataDir, 'missing-httpfs.duckdb_extension') }, restarts, false);
    await expect(call(context, 'app.setEncryption', { encrypt: true })).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED', message: expect.stringContaining('httpfs') });
    expect(await call(context, 'app.dataAtRest', {})).toMatchObject({ encrypt: false, encryptAfterRestart: false });
    await new Promise((r) => setTimeout(r, 400));
    expect(restarts).toEqual([]);
  });

  it('refuses to decrypt with a different key and leaves the encrypted file as it was', async () => {
    const dataDir = newDataDir();
    const dbPath = join(dataDir, 'loopdesk.duckdb');
    const key = randomBytes(32);
    const db = await Database.open(dbPath, ALL_MIGRATIONS, { encryptionKey: key, insecureTestCrypto: true });
    await db.run("INSERT INTO suppression VALUES ('kept@example.com', 'bounce', 'test', now())");
    await db.close();
    await expect(Database.open(dbPath, ALL_MIGRATIONS, { decryptWith: randomBytes(32) })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    expect(existsSync(`${dbPath}.decrypting`)).toBe(false);
    const again = await Database.open(dbPath, ALL_MIGRATIONS, { encryptionKey: key, insecureTestCrypto: true });
    expect((await again.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email)).toEqual(['kept@example.com']);
    await again.close();
  });
});
