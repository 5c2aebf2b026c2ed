import { execFile } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { listResponseFiles } from '../../../main/services/responses/ingest';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { callService } from '../../helpers/call-service';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A response file the server writes again with the same content (a new modification time, same
 * bytes), on a real OpenSSH server and a real DuckDB data file. Loopdesk downloads it once, sees
 * the content it already has, and records the new time, so later pulls do not download it again.
 */

const run = promisify(execFile);
let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;
let context: AppContext;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

type Pull = { files: { name: string; outcome: string; rows: number; text?: CatalogText }[] };

const PROFILE = 'touching';
const NAME = '20261204_opens.csv';
const CONTENT = [
  '"mailingId";"mailingToUserId";"mailingGroupId";"userId";"created";"open.browser";"open.platform";"open.device"',
  '"51106527231";"1";"44018617813";"a@touched.example";"2026-12-04 10:00:00";"Firefox";"Linux";"Desktop"',
  '"51106527231";"2";"44018617813";"b@touched.example";"2026-12-04 10:05:00";"Safari";"macOS";"Desktop"',
  '',
].join('\n');

const serverPath = () => join(sshd.root, 'responses', NAME);
/** The server's clocks count in seconds: times a minute apart. */
const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 12, minute));
/** The ledger as the pull reads it (the contract's entry leaves out the recorded time). */
const ledgerEntry = async () => (await listResponseFiles(context.db, { profile: PROFILE })).filter((f) => f.name === NAME);
const pulledFile = async () => (await call<Pull>('responses.pull', { profile: PROFILE })).files.find((f) => f.name === NAME);

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  mkdirSync(join(sshd.root, 'responses'), { recursive: true });
  mkdirSync(join(sshd.root, 'upload'), { recursive: true });
  writeFileSync(serverPath(), CONTENT);
  utimesSync(serverPath(), at(0), at(0));
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
  context = await openAppContext({ dataDir: join(data.path, 'home'), host: 'memory', secrets: null });
  await call('profiles.save', {
    profile: {
      name: PROFILE,
      host: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      auth: { kind: 'password', password: sshd.password },
      trustedKeys: [sshd.hostKeyFingerprint],
      clients: [{ name: 'demo', uploadDir: join(sshd.root, 'upload'), logDir: join(sshd.root, 'upload'), responseDir: join(sshd.root, 'responses') }],
    },
  });
}, 60_000);
afterAll(async () => {
  await context?.close();
  await sshd?.stop();
  data?.cleanup();
});

describe('a response file the server writes again unchanged (new time, same content)', () => {
  it('is downloaded once, keeps its rows and ledger entry, records the new time, and is not downloaded at the next pull', async () => {
    expect(await pulledFile()).toMatchObject({ outcome: 'ingested', rows: 2 });
    const [first] = await ledgerEntry();
    expect(first).toMatchObject({ status: 'ingested', rows: 2, size: Buffer.byteLength(CONTENT) });
    expect(first!.mtime.getTime()).toBe(at(0).getTime());

    // Unchanged time and size: not downloaded at all ("unchanged since the last pull").
    expect(await pulledFile()).toMatchObject({ outcome: 'skipped', text: { id: 'responses.pulled.unchanged' } });

    // The server writes the same bytes again: a new time, so Loopdesk downloads it and finds the content it has.
    utimesSync(serverPath(), at(7), at(7));
    expect(await pulledFile()).toMatchObject({ outcome: 'skipped', rows: 2, text: { id: 'responses.pulled.sameContent' } });
    const [touched] = await ledgerEntry();
    // Only the version's time moves; the entry, its rows, content hash and time read in stay.
    expect(touched!.mtime.getTime()).toBe(at(7).getTime());
    expect(touched).toMatchObject({ id: first!.id, rows: 2, size: first!.size, sha256: first!.sha256, status: 'ingested' });
    expect(touched!.ingestedAt.getTime()).toBe(first!.ingestedAt.getTime());
    const rows = await context.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM opens WHERE user_id LIKE '%@touched.example'`);
    expect(Number(rows[0]!.n)).toBe(2);

    // The next pull compares the listing with the recorded time: no download this time.
    expect(await pulledFile()).toMatchObject({ outcome: 'skipped', rows: 2, text: { id: 'responses.pulled.unchanged' } });
  }, 60_000);

  it('after a broken version was rejected, the good content back (a new time) clears the rejection and is then not downloaded again', async () => {
    // The server writes a broken version (a row cut short): rejected whole, the earlier rows stay, the entry notes why.
    writeFileSync(serverPath(), CONTENT.split('\n').slice(0, 2).join('\n') + '\n"51106527231";"2"\n');
    utimesSync(serverPath(), at(9), at(9));
    expect(await pulledFile()).toMatchObject({ outcome: 'rejected' });
    const [noted] = await ledgerEntry();
    expect(noted).toMatchObject({ status: 'ingested', rows: 2 });
    expect(noted!.error).not.toBeNull();

    // Then the good content again: downloaded once, the same content, so the note goes with the new time.
    writeFileSync(serverPath(), CONTENT);
    utimesSync(serverPath(), at(11), at(11));
    expect(await pulledFile()).toMatchObject({ outcome: 'skipped', rows: 2, text: { id: 'responses.pulled.sameContent' } });
    const [settled] = await ledgerEntry();
    expect(settled).toMatchObject({ status: 'ingested', rows: 2, error: null });
    expect(settled!.mtime.getTime()).toBe(at(11).getTime());
    expect(await pulledFile()).toMatchObject({ outcome: 'skipped', rows: 2, text: { id: 'responses.pulled.unchanged' } });
  }, 60_000);
});
