import { writeFileSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { csvFile } from '../../../main/services/sandbox/csv';
import { RESPONSE_COLUMNS } from '../../../main/services/sandbox/export';
import { formatTimestamp } from '../../../main/services/sandbox/time';
import { openSettings } from '../../../main/services/store/settings';
import { SUPPRESSION_CHANNEL } from '../../../main/services/team/team-store';
import { readTeamSetting, TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { ValidationReport } from '../../../shared/contract/recipients';
import type { Send } from '../../../shared/contract/sends';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { callIn, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The addresses on a workstation's own suppression list (its DuckDB file). */
async function listed(context: AppContext): Promise<Set<string>> {
  return new Set((await context.db.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email));
}

/** Waits until `check` holds (every 10 ms, at most `ms`); returns how long it took, or undefined. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started <= ms) {
    if (await check()) return Date.now() - started;
    await sleep(10);
  }
  return undefined;
}

describe('team mode: one suppression list for the whole team', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let proxy: FaultProxy;
  let a: AppContext;
  let b: AppContext;
  let c: AppContext;
  let dir: string;

  /** Backends that LISTEN on the suppression channel (the last statement of a listening connection). */
  const listeners = async () => Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE query = $1`, [`LISTEN ${SUPPRESSION_CHANNEL}`])).rows[0].n);
  /** The shared list's row of an address. */
  const shared = async (email: string) => (await admin.query<{ removed: boolean; changed_by_name: string }>('SELECT removed, changed_by_name FROM team_suppression WHERE email = $1', [email])).rows[0];
  /** A spreadsheet of addresses for the import. */
  const addressFile = (name: string, emails: readonly string[]) => {
    const path = join(dir, name);
    writeFileSync(path, ['Email', ...emails].join('\n') + '\n');
    return path;
  };
  const draft = (mailing: string) => ({ profile: 'team', client: team.client.name, path: team.recipients, sourceMailingId: mailing });

  beforeAll(async () => {
    team = await startTeam(['a', 'b', 'c'], { seed: 'suppression' });
    dir = join(team.dataDirs.a, '..');
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    // Workstation c reaches the team database through a proxy that can cut it off.
    proxy = await startFaultProxy({ targetPort: team.pg.port, seed: 'suppression' });
    const settings = openSettings(team.dataDirs.c);
    settings.set(TEAM_SETTING, { ...readTeamSetting(settings)!, url: `postgres://${team.pg.user}@127.0.0.1:${proxy.port}/${team.pg.database}` });
    a = await team.open('a');
    b = await team.open('b');
    c = await team.open('c');
    // Each scheduler's first pass joins the shared list and listens; later passes are a minute away,
    // so what arrives within a second arrived by NOTIFY.
    for (const w of [a, b, c]) w.services.sends.startScheduler({ tickMs: 60_000 });
    for (const w of [a, b, c]) await w.services.sends.tick();
    expect(await within(30_000, async () => (await listeners()) === 3), 'every workstation listens').toBeDefined();
  });
  afterAll(async () => {
    for (const w of [a, b, c]) await w?.close();
    await admin?.end();
    await proxy?.stop();
    await team?.stop();
  });

  it('an unsubscribe pulled on A suppresses the address on B within a second, and B’s validation rejects it', async () => {
    // A response file on the server with an unsubscribe of c@example.com (one of the team's recipients).
    const mailingId = '51106527229';
    const created = formatTimestamp(Date.now() - 3_600_000);
    writeFileSync(join(team.client.localDir, 'responses', `${formatTimestamp(Date.now()).slice(0, 10).replaceAll('-', '')}_unsubscribes.csv`), csvFile(RESPONSE_COLUMNS.unsubscribes, [[mailingId, '7001', '1', 'c@example.com', created]]));
    expect(await listed(b)).not.toContain('c@example.com');

    const pulled = await valueIn<{ files: { kind: string; outcome: string }[] }>(a, 'responses.pull', { profile: 'team' });
    expect(pulled.files.find((f) => f.kind === 'unsubscribes')?.outcome).toBe('ingested');
    expect(await listed(a)).toContain('c@example.com');
    const delay = await within(1_000, async () => (await listed(b)).has('c@example.com'));
    expect(delay, 'B had the unsubscribe within a second').toBeDefined();
    expect(await shared('c@example.com')).toMatchObject({ removed: false, changed_by_name: 'a' });

    // B's check of a recipient file and B's real send both leave the address out.
    const report = await valueIn<ValidationReport>(b, 'recipients.validate', { ...draft(team.client.mailingIds[0]), mapping: (await valueIn<{ mapping: unknown[] }>(b, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients })).mapping });
    expect(report.excluded.flatMap((x) => x.reasons.map((r) => r.code))).toContain('SUPPRESSED');
    const inspection = await valueIn<{ mapping: unknown[] }>(b, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
    const send = await valueIn<Send>(b, 'sends.create', { ...draft(team.client.mailingIds[0]), mapping: inspection.mapping });
    expect(send).toMatchObject({ recipients: 1, excluded: 1 });
  });

  it('a removal on B is not undone by A (which still had the address), and suppressing it again works', async () => {
    // A is away while B removes the address: A's file still lists it.
    await a.close();
    expect((await valueIn<{ removed: boolean }>(b, 'responses.suppressionRemove', { email: 'c@example.com', reason: 'asked to be mailed again' })).removed).toBe(true);
    expect(await within(15_000, async () => (await shared('c@example.com'))?.removed === true)).toBeDefined();
    a = await team.open('a');
    expect(await listed(a)).toContain('c@example.com');
    // A pulls its response files again (the old unsubscribe is still in them), then syncs.
    await valueIn(a, 'responses.pull', { profile: 'team' });
    a.services.sends.startScheduler({ tickMs: 60_000 });
    await a.services.sends.tick();
    expect(await within(15_000, async () => !(await listed(a)).has('c@example.com'))).toBeDefined();
    await valueIn(a, 'responses.pull', { profile: 'team' });
    await a.services.sends.tick();
    await sleep(500);
    expect(await listed(a)).not.toContain('c@example.com');
    expect(await listed(b)).not.toContain('c@example.com');
    expect(await shared('c@example.com')).toMatchObject({ removed: true, changed_by_name: 'b' });

    // A new suppression after the removal (an operator's import on A) suppresses it again everywhere.
    expect(await within(30_000, async () => (await listeners()) === 3)).toBeDefined();
    await valueIn(a, 'responses.suppressionImport', { path: addressFile('again.csv', ['c@example.com']), reason: 'unsubscribed by phone' });
    expect(await within(1_000, async () => (await listed(b)).has('c@example.com')), 'B had it again within a second').toBeDefined();
    expect(await shared('c@example.com')).toMatchObject({ removed: false, changed_by_name: 'a' });
  });

  it('changes made while the team database is cut off are pushed after it is back; an older one loses visibly', async () => {
    await valueIn(b, 'responses.suppressionImport', { path: addressFile('known.csv', ['known@example.com']), reason: 'known' });
    expect(await within(15_000, async () => (await listed(c)).has('known@example.com') && (await listed(a)).has('known@example.com'))).toBeDefined();

    // Cut: new connections through the proxy are reset, and the open ones end.
    proxy.setDefault({ kind: 'cut', direction: 'toServer', afterBytes: 0, reset: true });
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'loopdesk'`);
    // C, cut off: its own list still works and takes changes.
    await valueIn(c, 'responses.suppressionImport', { path: addressFile('offline.csv', ['offline@example.com']), reason: 'unsubscribed by letter' });
    expect((await valueIn<{ removed: boolean }>(c, 'responses.suppressionRemove', { email: 'known@example.com', reason: 'wrongly listed' })).removed).toBe(true);
    expect(await listed(c)).toContain('offline@example.com');
    // A real send is refused: its list cannot be brought up to date.
    const inspection = await valueIn<{ mapping: unknown[] }>(c, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
    const refused = await callIn<Send>(c, 'sends.create', { ...draft(team.client.mailingIds[1]), mapping: inspection.mapping });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TEAM_UNAVAILABLE' } });
    // Meanwhile A removes known@example.com too and then suppresses it again, both later than C's removal.
    await sleep(20);
    expect((await valueIn<{ removed: boolean }>(a, 'responses.suppressionRemove', { email: 'known@example.com', reason: 'checking' })).removed).toBe(true);
    await valueIn(a, 'responses.suppressionImport', { path: addressFile('known-again.csv', ['known@example.com']), reason: 'known again' });
    await sleep(1_500);
    expect(await listed(a)).not.toContain('offline@example.com');

    // Back: C's next pass pushes what it kept.
    proxy.setDefault({ kind: 'pass' });
    await c.services.sends.tick();
    expect(await within(15_000, async () => (await listed(a)).has('offline@example.com') && (await listed(b)).has('offline@example.com'))).toBeDefined();
    expect(await shared('offline@example.com')).toMatchObject({ removed: false, changed_by_name: 'c' });
    // C's removal was older than the new suppression: not applied, but kept and reported on C.
    expect(await shared('known@example.com')).toMatchObject({ removed: false, changed_by_name: 'a' });
    expect(await within(15_000, async () => (await listed(c)).has('known@example.com'))).toBeDefined();
    const lost = (await admin.query('SELECT email, removed, changed_by_name FROM team_suppression_superseded')).rows;
    expect(lost).toContainEqual({ email: 'known@example.com', removed: true, changed_by_name: 'c' });
    // The note is written to C's log after the push that lost returns (the log writes in the background).
    const notes = async () => (await c.db.all<{ message_id: string }>("SELECT message_id FROM activity WHERE message_id = 'responses.activity.suppressionSuperseded'")).length;
    expect(await within(15_000, async () => (await notes()) > 0)).toBeDefined();
    expect(await notes()).toBe(1);
  });

  it('10,000 addresses reach the other workstations in one batch', async () => {
    expect(await within(30_000, async () => (await listeners()) === 3), 'every workstation listens again after the cut').toBeDefined();
    const emails = Array.from({ length: 10_000 }, (_, i) => `bulk${i}@example.com`);
    const path = addressFile('bulk.csv', emails);
    const commits = async () => {
      await sleep(1_500); // other backends report their statistics within a second of going idle
      return Number((await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0].xact_commit);
    };
    const before = await commits();
    const started = Date.now();
    const imported = await valueIn<{ added: number }>(a, 'responses.suppressionImport', { path, reason: 'bulk' });
    expect(imported.added).toBe(10_000);
    const inB = async () => Number((await b.db.all<{ n: bigint }>("SELECT count(*) AS n FROM suppression WHERE email LIKE 'bulk%'"))[0].n) === 10_000;
    const inC = async () => Number((await c.db.all<{ n: bigint }>("SELECT count(*) AS n FROM suppression WHERE email LIKE 'bulk%'"))[0].n) === 10_000;
    expect(await within(20_000, async () => (await inB()) && (await inC()))).toBeDefined();
    const ms = Date.now() - started;
    const transactions = (await commits()) - before;
    console.log(`[team suppression] 10,000 addresses: import on A to B and C in ${ms} ms, ${transactions} transactions on the team database`);
    // Row by row would be 10,000 transactions at least; a batch is a handful per workstation (plus
    // whatever else the three workstations' scheduler passes and listeners did meanwhile).
    expect(transactions).toBeLessThan(500);
    expect(ms).toBeLessThan(15_000);
  });

  it('a send pulls the list before it validates, even when no notice reached the workstation', async () => {
    // B is closed while A suppresses an address, and opens without its scheduler: no pass, no listener.
    await b.close();
    await valueIn(a, 'responses.suppressionImport', { path: addressFile('late.csv', ['late@example.com']), reason: 'unsubscribed by e-mail' });
    expect(await within(15_000, async () => (await shared('late@example.com'))?.removed === false)).toBeDefined();
    b = await team.open('b');
    expect(await listed(b)).not.toContain('late@example.com');
    const recipients = join(dir, 'late-recipients.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', 'late@example.com,Frau,L,A', 'fine@example.com,Herr,F,I'].join('\n') + '\n');
    const inspection = await valueIn<{ mapping: unknown[] }>(b, 'recipients.inspect', { profile: 'team', client: team.client.name, path: recipients });
    const send = await valueIn<Send>(b, 'sends.create', { profile: 'team', client: team.client.name, path: recipients, sourceMailingId: team.client.mailingIds[1], mapping: inspection.mapping });
    expect(send).toMatchObject({ recipients: 1, excluded: 1 });
    expect(await listed(b)).toContain('late@example.com');
  });

  it('a data file made anew or restored from a backup (same workstation id) gets back this workstation’s own changes from the team', async () => {
    const file = join(team.dataDirs.a, 'loopdesk.duckdb');
    const dropFile = async () => {
      for (const f of [file, `${file}.wal`]) await rm(f, { force: true });
    };
    const reopen = async () => {
      a = await team.open('a');
      a.services.sends.startScheduler({ tickMs: 60_000 });
      await a.services.sends.tick();
    };
    await valueIn(a, 'responses.suppressionImport', { path: addressFile('own.csv', ['own-1@example.com', 'own-2@example.com']), reason: 'unsubscribed by phone' });
    expect((await valueIn<{ removed: boolean }>(a, 'responses.suppressionRemove', { email: 'own-2@example.com', reason: 'asked to be mailed again' })).removed).toBe(true);
    expect(await within(15_000, async () => (await shared('own-2@example.com'))?.removed === true)).toBeDefined();

    // Deleted and made anew: the first sync brings back what this workstation had pushed.
    await a.close();
    await dropFile();
    await reopen();
    // The pass syncs in the background.
    expect(await within(15_000, async () => (await listed(a)).has('own-1@example.com')), 'own suppression back').toBeDefined();
    expect(await listed(a)).not.toContain('own-2@example.com');
    expect(await a.db.all('SELECT email, removed_by FROM suppression_removed WHERE email = $1', ['own-2@example.com'])).toEqual([{ email: 'own-2@example.com', removed_by: '' }]);

    // A backup, then a change pushed from the live file, then the backup restored: the change comes back.
    await a.close();
    await copyFile(file, `${file}.backup`);
    await reopen();
    await valueIn(a, 'responses.suppressionImport', { path: addressFile('after-backup.csv', ['own-3@example.com']), reason: 'unsubscribed by letter' });
    expect(await within(15_000, async () => (await shared('own-3@example.com'))?.removed === false)).toBeDefined();
    await a.close();
    await dropFile();
    await rename(`${file}.backup`, file);
    await reopen();
    expect(await within(15_000, async () => (await listed(a)).has('own-3@example.com')), 'change made after the backup back').toBeDefined();
  });
});
