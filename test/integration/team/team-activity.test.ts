import { spawn } from 'node:child_process';
import { copyFile, cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { openSettings } from '../../../main/services/store/settings';
import { openTeamStore, TEAM_ACTIVITY_CHANNEL } from '../../../main/services/team/team-store';
import { readTeamSetting, TEAM_SETTING, type TeamSetting } from '../../../main/services/team/team-settings';
import type { LocalActivityRow } from '../../../main/services/activity/team-activity-sync';
import type { ActivityEntry } from '../../../shared/contract/activity';
import { appIntl } from '../../../shared/i18n/intl';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';
import { startSwitchRelay, type SwitchRelay } from '../../helpers/switch-relay';
import { CLI_BIN } from '../../helpers/cli-loop';

type ActivityPage = { entries: ActivityEntry[]; total: number; team: { workstation: string; othersMissing: boolean } | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PULLED = { ingested: 3, replaced: 0, skipped: 1, rejected: 2, added: 1 };

/** Runs the CLI and returns its exit code and what it printed. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } as never, env);
  return { code, out, err };
}

describe('team mode: the activity log is the team’s', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let relay: SwitchRelay;
  const setting = (name: string): TeamSetting => readTeamSetting(openSettings(team.dataDirs[name]))!;
  /** Polls `check` until it holds or `ms` passed; returns whether it held. */
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await sleep(50);
    }
    return check();
  };
  const teamRows = async (workstation: string) =>
    (await admin.query<{ local_id: string; n: string }>('SELECT local_id, count(*) OVER () AS n FROM team_activity WHERE workstation = $1 ORDER BY local_id', [workstation])).rows.map((r) => Number(r.local_id));
  /** The number of LISTEN connections on the activity channel (each workstation's one, once it listens). */
  const listeners = async () => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN loopdesk_activity'")).rows[0].n);

  beforeAll(async () => {
    team = await startTeam(['a', 'b', 'c', 'solo'], { seed: 'activity', alone: ['solo'] });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    // Workstation c reaches the team database through a link the test can cut.
    relay = await startSwitchRelay(team.pg.port);
    const settings = openSettings(team.dataDirs.c);
    settings.set(TEAM_SETTING, { ...setting('c'), url: `postgres://${team.pg.user}@127.0.0.1:${relay.port}/${team.pg.database}` });
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await relay?.stop();
    await team?.stop();
  });

  it('an entry written on A reaches B within a second, marked with A’s name, and reads in B’s language (German)', async () => {
    const a = await team.open('a');
    const b = await team.open('b');
    const onB: { at: number; entry: ActivityEntry }[] = [];
    const onA: { at: number; entry: ActivityEntry }[] = [];
    const offB = b.bus.on('activity.onEntry', (entry) => void onB.push({ at: Date.now(), entry }));
    const offA = a.bus.on('activity.onEntry', (entry) => void onA.push({ at: Date.now(), entry }));
    try {
      expect(await until(async () => (await listeners()) >= 2, 10_000), 'both workstations listen').toBe(true);
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        await a.services.activity.log({ level: 'warn', kind: 'pull', profile: 'team', messageId: 'responses.activity.pulled', values: { ...PULLED, ingested: i } });
        const written = onA.at(-1)!;
        const id = `${setting('a').workstation}:${a.db.epoch}:${written.entry.id}`;
        expect(await until(async () => onB.some((e) => e.entry.id === id), 2_000), `B heard entry ${i}`).toBe(true);
        delays.push(onB.find((e) => e.entry.id === id)!.at - written.at);
        await sleep(100);
      }
      for (const d of delays) expect(d, 'B showed A’s entry within a second').toBeLessThan(1_000);
      recordTeamFigure('activity-live', {
        what: "team: another workstation's activity entries reach a second workstation's Activity screen (LISTEN/NOTIFY)",
        tried: `${delays.length} entries`,
        survived: `${delays.length}, slowest after ${Math.max(...delays)} ms (limit 1000 ms)`,
        seed: '–',
      });

      // (A may have pushed entries of its own start, a profile pulled from the team, before these.)
      const heard = onB.find((e) => e.entry.origin?.name === 'a' && e.entry.kind === 'pull')!.entry;
      expect(heard).toMatchObject({ level: 'warn', kind: 'pull', profile: 'team', origin: { workstation: setting('a').workstation, name: 'a', mine: false } });

      // B's list: A's entries with A's name; B's own marked as B's.
      await b.services.activity.log({ level: 'info', kind: 'settings', messageId: 'encryption.activity.turnedOn' });
      const page = await valueIn<ActivityPage>(b, 'activity.list', {});
      expect(page.team).toEqual({ workstation: 'b', othersMissing: false });
      const fromA = page.entries.filter((e) => e.origin?.name === 'a' && e.kind === 'pull');
      expect(fromA).toHaveLength(5);
      expect(page.entries.find((e) => e.origin?.mine)?.text?.id).toBe('encryption.activity.turnedOn');
      // The catalog key and values travelled: the German reader gets German, not A's English.
      const text = fromA[0].text!;
      expect(text).toEqual({ id: 'responses.activity.pulled', values: { ...PULLED, ingested: 4 } });
      const german = appIntl('de').formatMessage({ id: 'responses.activity.pulled' }, text.values);
      expect(german).toBe('Abruf der Reaktionsdaten: 4 neu, 0 ersetzt, 1 unverändert, 2 Dateien abgelehnt; 1 Adresse zur Sperrliste hinzugefügt.');
      expect(fromA[0].message).toContain('Response pull: 4 new');
      // An entry A worded for its own operator ("You approved …"), to be read on B in the third person.
      await a.services.activity.log({ level: 'info', kind: 'send', profile: 'team', messageId: 'team.activity.youApproved', values: { sendId: 's-9', name: 'Bea' } });
    } finally {
      offA();
      offB();
      await a.close();
      await b.close();
    }

    // `loopdesk activity` on B, in German: A's entry in German, marked "von a".
    const run = await cli(['--data-dir', team.dataDirs.b, '--lang', 'de', 'activity'], team.env);
    expect(run.code, run.err.join('\n')).toBe(0);
    const line = run.out.find((l) => l.includes('Abruf der Reaktionsdaten: 4 neu'));
    expect(line).toBeDefined();
    expect(line!.split('\t')).toEqual([expect.any(String), 'Warnung', 'pull', 'team', 'Abruf der Reaktionsdaten: 4 neu, 0 ersetzt, 1 unverändert, 2 Dateien abgelehnt; 1 Adresse zur Sperrliste hinzugefügt.', 'von a']);
    expect(run.out.find((l) => l.includes('s-9'))?.split('\t')[4]).toBe('Auf dem Arbeitsplatz a wurde Versand s-9 von Bea freigegeben.');
    // B's own entry carries no origin mark.
    expect(run.out.find((l) => l.includes('Verschlüsselung gespeicherter Daten'))?.split('\t')).toHaveLength(5);
  }, 60_000);

  it('“this workstation only” shows B’s entries alone, in the service and in `loopdesk activity --mine`', async () => {
    const b = await team.open('b');
    try {
      const all = await valueIn<ActivityPage>(b, 'activity.list', { scope: 'team' });
      const mine = await valueIn<ActivityPage>(b, 'activity.list', { scope: 'workstation' });
      expect(all.entries.some((e) => e.origin?.name === 'a')).toBe(true);
      expect(mine.entries.length).toBeGreaterThan(0);
      expect(mine.entries.every((e) => e.origin?.mine === true && e.origin.name === 'b')).toBe(true);
      expect(mine.total).toBe(all.entries.filter((e) => e.origin?.mine).length);
      expect(all.total).toBe(mine.total + all.entries.filter((e) => !e.origin?.mine).length);
      // Search and level filter apply to the others' entries too.
      const warnings = await valueIn<ActivityPage>(b, 'activity.list', { level: 'warn', search: 'response pull' });
      expect(warnings.entries.map((e) => e.origin?.name)).toEqual(['a', 'a', 'a', 'a', 'a']);
    } finally {
      await b.close();
    }
    const run = await cli(['--data-dir', team.dataDirs.b, 'activity', '--mine'], team.env);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out.length).toBeGreaterThan(0);
    expect(run.out.some((l) => l.includes('from a'))).toBe(false);
    const everyone = await cli(['--data-dir', team.dataDirs.b, 'activity'], team.env);
    expect(everyone.out.filter((l) => l.includes('Response pull') && l.endsWith('\tfrom a'))).toHaveLength(5);
  }, 60_000);

  it('`loopdesk activity --watch` on B prints A’s new entry within a second, in German, marked “von a”', async () => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', team.dataDirs.b, '--lang', 'de', 'activity', '--watch', '--limit', '1'], { env: team.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { at: number; text: string }[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => d.toString('utf8').split('\n').filter(Boolean).forEach((text) => lines.push({ at: Date.now(), text })));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const a = await team.open('a');
    try {
      // Printed the newest entry, and listens to the team.
      expect(await until(async () => lines.length > 0 && (await listeners()) >= 2, 20_000), err).toBe(true);
      const written: number[] = [];
      const off = a.bus.on('activity.onEntry', () => void written.push(Date.now()));
      await a.services.activity.log({ level: 'error', kind: 'pull', profile: 'team', messageId: 'responses.activity.pulled', values: { ...PULLED, ingested: 77 } });
      off();
      expect(await until(async () => lines.some((l) => l.text.includes('77 neu')), 3_000), err).toBe(true);
      const line = lines.find((l) => l.text.includes('77 neu'))!;
      expect(line.text.split('\t')).toEqual([expect.any(String), 'Fehler', 'pull', 'team', 'Abruf der Reaktionsdaten: 77 neu, 0 ersetzt, 1 unverändert, 2 Dateien abgelehnt; 1 Adresse zur Sperrliste hinzugefügt.', 'von a']);
      expect(line.at - written[0], 'printed within a second').toBeLessThan(1_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      await a.close();
    }
  }, 60_000);

  it('a burst of 300 entries goes to the team in a few batches, not one round trip each, and wakes B once', async () => {
    const a = await team.open('a');
    const b = await team.open('b');
    const heard: ActivityEntry[] = [];
    const off = b.bus.on('activity.onEntry', (entry) => void heard.push(entry));
    try {
      expect(await until(async () => (await listeners()) >= 2, 10_000), 'both workstations listen').toBe(true);
      const me = setting('a').workstation;
      const burstRows = async () => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM team_activity WHERE workstation = $1 AND details LIKE 'burst %'", [me])).rows[0].n);
      await Promise.all(Array.from({ length: 300 }, (_, i) => a.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOff', details: `burst ${i}` })));
      // Waits for the burst itself, not for A's row count to grow by 300: A's start pushes what an
      // earlier run left unpushed in the background, which moves that count too.
      expect(await until(async () => (await burstRows()) === 300, 20_000), 'the burst reached the team').toBe(true);
      // Rows written by one INSERT share their transaction id (xmin).
      const transactions = Number((await admin.query<{ n: string }>("SELECT count(DISTINCT xmin::text) AS n FROM team_activity WHERE workstation = $1 AND details LIKE 'burst %'", [me])).rows[0].n);
      expect(transactions).toBeLessThanOrEqual(5);
      // B shows the newest of them live, without a flood of 300 events (its list has them all).
      expect(await until(async () => heard.some((e) => e.details === 'burst 299'), 10_000), 'B heard the newest of the burst').toBe(true);
      await sleep(300);
      const burst = heard.filter((e) => e.details?.startsWith('burst '));
      expect(burst.length).toBeGreaterThan(0);
      expect(burst.length).toBeLessThanOrEqual(200);
      const listed = await valueIn<ActivityPage>(b, 'activity.list', { search: 'encryption at rest turned off', limit: 1000 });
      expect(listed.entries.filter((e) => e.details?.startsWith('burst ') && e.origin?.name === 'a')).toHaveLength(300);
    } finally {
      off();
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('entries written while the team database is cut off are pushed after it is back, each exactly once, and B sees them', async () => {
    const me = setting('c').workstation;
    let c: AppContext | undefined = await team.open('c');
    try {
      await c.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn' });
      expect(await c.services.activity.team!.flush()).toBe(true);
      const pushedBefore = await teamRows(me);
      expect(pushedBefore.length).toBeGreaterThan(0);

      relay.cut();
      for (let i = 0; i < 6; i++) await c.services.activity.log({ level: 'error', kind: 'pull', profile: 'team', messageId: 'responses.activity.pulled', values: { ...PULLED, ingested: 100 + i } });
      expect(await c.services.activity.team!.flush()).toBe(false);
      // Everything local still works, and the list says the others' entries are missing.
      const cut = await valueIn<ActivityPage>(c, 'activity.list', {});
      expect(cut.team).toEqual({ workstation: 'c', othersMissing: true });
      expect(cut.entries.filter((e) => e.level === 'error')).toHaveLength(6);
      expect(await teamRows(me)).toEqual(pushedBefore);

      // Closing while cut: the entries stay local (nothing lost) …
      await c.close();
      c = await team.open('c');
      for (let i = 0; i < 2; i++) await c.services.activity.log({ level: 'error', kind: 'pull', profile: 'team', messageId: 'responses.activity.pulled', values: { ...PULLED, ingested: 200 + i } });
      const local = (await valueIn<ActivityPage>(c, 'activity.list', { scope: 'workstation', limit: 10000 })).entries.map((e) => Number(e.id)).sort((x, y) => x - y);

      // … and once the link is back, the retry pushes all of them, without being asked.
      relay.restore();
      expect(await until(async () => (await teamRows(me)).length === local.length, 15_000), 'pushed after reconnect').toBe(true);
      expect(await teamRows(me)).toEqual(local);

      // Pushed again (a lost reply, a restart): still once each.
      await c.close();
      c = await team.open('c');
      expect(await c.services.activity.team!.flush()).toBe(true);
      const store = await openTeamStore({ url: team.pg.url, password: team.pg.password, workstation: me, workstationName: 'c' });
      try {
        const again = await c.db.all<LocalActivityRow>('SELECT * FROM activity ORDER BY id');
        await store.pushActivity(
          again.map((r) => ({ epoch: r.epoch, localId: Number(r.id), at: r.occurred_at, level: r.level, kind: r.kind, profile: r.profile, message: r.message, messageId: r.message_id, messageValues: r.message_values ? JSON.parse(r.message_values) : null, details: r.details })),
        );
      } finally {
        await store.close();
      }
      expect(await teamRows(me)).toEqual(local);
      const counts = (await admin.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT local_id) AS d FROM team_activity WHERE workstation = $1', [me])).rows[0];
      expect(Number(counts.n)).toBe(local.length);
      expect(Number(counts.d)).toBe(local.length);
    } finally {
      relay.restore();
      await c?.close();
    }
    const b = await team.open('b');
    try {
      const page = await valueIn<ActivityPage>(b, 'activity.list', { level: 'error' });
      expect(page.entries.filter((e) => e.origin?.name === 'c').map((e) => e.text?.values.ingested)).toEqual([201, 200, 105, 104, 103, 102, 101, 100]);
    } finally {
      await b.close();
    }
  }, 90_000);

  it('retention: entries older than the workstation’s retention leave the team’s log too', async () => {
    const a = await team.open('a');
    try {
      const me = setting('a').workstation;
      await a.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn', details: 'old one' });
      await a.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn', details: 'recent one' });
      expect(await a.services.activity.team!.flush()).toBe(true);
      // Ten days old, here and in the team (as if written then).
      await a.db.run("UPDATE activity SET occurred_at = now() - INTERVAL 10 DAY WHERE details = 'old one'");
      await admin.query("UPDATE team_activity SET occurred_at = now() - interval '10 days' WHERE workstation = $1 AND details = 'old one'", [me]);
      const named = async (details: string) => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM team_activity WHERE workstation = $1 AND details = $2', [me, details])).rows[0].n);
      const oldOnes = () => named('old one');
      expect(await oldOnes()).toBe(1);
      await valueIn(a, 'app.setRetention', { days: 5 });
      // The team's copy goes in the background (the database may be away): wait for it. (Not by
      // the row count: retention also logs an entry of its own, pushed right after the purge.)
      expect(await until(async () => (await oldOnes()) === 0, 10_000), 'the old entry left the team').toBe(true);
      // The recent entry stays.
      expect(await named('recent one')).toBe(1);
      await valueIn(a, 'app.setRetention', { days: 0 });
    } finally {
      await a.close();
    }
  }, 60_000);

  it('outside team mode nothing changes: the local log alone, no origin, nothing in the team database', async () => {
    const solo = await team.open('solo');
    try {
      await solo.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn' });
      const page = await valueIn<ActivityPage>(solo, 'activity.list', {});
      expect(page.team).toBeNull();
      expect(page.entries.length).toBeGreaterThan(0);
      expect(page.entries.every((e) => e.origin === null)).toBe(true);
      expect((await valueIn<ActivityPage>(solo, 'activity.list', { scope: 'workstation' })).entries).toEqual(page.entries);
    } finally {
      await solo.close();
    }
    const names = (await admin.query<{ name: string }>('SELECT DISTINCT workstation_name AS name FROM team_activity ORDER BY 1')).rows.map((r) => r.name);
    expect(names).toEqual(['a', 'b', 'c']);
    const run = await cli(['--data-dir', team.dataDirs.solo, 'activity'], team.env);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out.at(-1)?.split('\t')).toEqual([expect.any(String), 'info', 'test', '-', 'Encryption at rest turned on: the data file and new send archives are encrypted from the next start.']);
  }, 60_000);

  it('a copy of A’s data dir running on a second machine (same workstation id) pushes its entries too, and A shows them live', async () => {
    const me = setting('a').workstation;
    const twinDir = join(team.dir, 'a-twin');
    await cp(team.dataDirs.a, twinDir, { recursive: true });
    const a = await team.open('a');
    const twin = await openAppContext({ dataDir: twinDir, host: 'cli', secrets: null, env: team.env });
    const onA: ActivityEntry[] = [];
    const off = a.bus.on('activity.onEntry', (entry) => void onA.push(entry));
    try {
      expect(await until(async () => (await listeners()) >= 2, 10_000), 'both listen').toBe(true);
      await twin.services.activity.log({ level: 'info', kind: 'twin', messageId: 'encryption.activity.turnedOn', details: 'from the copy' });
      await a.services.activity.log({ level: 'info', kind: 'twin', messageId: 'encryption.activity.turnedOn', details: 'from the original' });
      expect(await until(async () => onA.some((e) => e.details === 'from the copy'), 10_000), 'A heard the copy’s entry').toBe(true);
      expect(onA.find((e) => e.details === 'from the copy')?.origin).toMatchObject({ workstation: me, mine: true });
      expect(await twin.services.activity.team!.flush()).toBe(true);
      expect(await a.services.activity.team!.flush()).toBe(true);
      const inTeam = (await admin.query<{ details: string }>("SELECT details FROM team_activity WHERE workstation = $1 AND kind = 'twin' ORDER BY details", [me])).rows.map((r) => r.details);
      expect(inTeam).toEqual(['from the copy', 'from the original']);
      // A's own entry is not heard back from the team as if it were another's.
      expect(onA.filter((e) => e.details === 'from the original')).toHaveLength(1);
    } finally {
      off();
      await twin.close();
      await a.close();
    }
  }, 60_000);

  it('a copy’s entry announced while A’s first push still waits for the team database is shown live on A too', async () => {
    // A starts while its first push waits (here: a lock on the team's log, as a long migration or
    // a slow database would hold it). Its listener is up already; a notice of a copy of A's data
    // file arrives meanwhile. It is not A's own news (another epoch) and must not be dropped as such.
    const me = setting('a').workstation;
    const twinDir = join(team.dir, 'a-twin-early');
    await cp(team.dataDirs.a, twinDir, { recursive: true });
    const twin = await openAppContext({ dataDir: twinDir, host: 'cli', secrets: null, env: team.env });
    const locker = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await locker.connect();
    let a: AppContext | undefined;
    let locked = false;
    const onA: ActivityEntry[] = [];
    try {
      await twin.services.activity.log({ level: 'info', kind: 'twin', messageId: 'encryption.activity.turnedOn', details: 'early from the copy' });
      expect(await twin.services.activity.team!.flush()).toBe(true);
      const [entry] = await twin.db.all<{ id: bigint }>("SELECT id FROM activity WHERE details = 'early from the copy'");
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE team_activity IN ACCESS EXCLUSIVE MODE');
      locked = true;
      const listening = await listeners();
      a = await team.open('a');
      const off = a.bus.on('activity.onEntry', (e) => void onA.push(e));
      try {
        expect(await until(async () => (await listeners()) > listening, 10_000), 'A listens').toBe(true);
        // Queries of A's waiting for the lock (its first push's, at least).
        const waiting = async () => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = 'team_activity'::regclass")).rows[0].n);
        expect(await until(async () => (await waiting()) > 0, 10_000), 'A’s first push waits').toBe(true);
        const before = await waiting();
        // What the copy announces with its next push (sent again here: the table is locked for it too).
        await admin.query('SELECT pg_notify($1, $2)', [TEAM_ACTIVITY_CHANNEL, JSON.stringify({ workstation: me, epoch: twin.db.epoch, from: Number(entry.id), to: Number(entry.id) })]);
        // A fetching the announced rows waits for the lock too (a notice taken for old news is never fetched).
        await until(async () => (await waiting()) > before, 3_000);
        await locker.query('COMMIT');
        locked = false;
        expect(await until(async () => onA.some((e) => e.details === 'early from the copy'), 10_000), 'A showed the copy’s entry').toBe(true);
        expect(onA.find((e) => e.details === 'early from the copy')?.origin).toMatchObject({ workstation: me, mine: true });
      } finally {
        off();
      }
    } finally {
      if (locked) await locker.query('ROLLBACK');
      await locker.end();
      await a?.close();
      await twin.close();
    }
  }, 60_000);

  it('a data file replaced under the same workstation id (made anew, restored from a backup) loses no entry: all reach the team and B', async () => {
    const me = setting('a').workstation;
    const file = join(team.dataDirs.a, 'loopdesk.duckdb');
    const write = async (ctx: AppContext, label: string, n: number) => {
      for (let i = 0; i < n; i++) await ctx.services.activity.log({ level: 'info', kind: 'replace', messageId: 'encryption.activity.turnedOn', details: `${label} ${i}` });
      expect(await ctx.services.activity.team!.flush(), `pushed ${label}`).toBe(true);
    };
    const dropFile = async () => {
      for (const f of [file, `${file}.wal`]) await rm(f, { force: true });
    };

    let a = await team.open('a');
    await write(a, 'old file', 3);
    await a.close();
    // Deleted and made anew: local ids start again at 1, far below what the team has from A.
    await dropFile();
    a = await team.open('a');
    try {
      await write(a, 'new file', 3);
      // A backup of this file, then more entries that reach the team…
      await a.close();
      await copyFile(file, `${file}.backup`);
      a = await team.open('a');
      await write(a, 'after backup', 2);
      await a.close();
      // … then the backup is restored: its ids continue below the ones just pushed.
      await dropFile();
      await rename(`${file}.backup`, file);
      a = await team.open('a');
      await write(a, 'restored', 2);
    } finally {
      await a.close();
    }

    const inTeam = (await admin.query<{ details: string }>("SELECT details FROM team_activity WHERE workstation = $1 AND kind = 'replace' ORDER BY occurred_at, local_id", [me])).rows.map((r) => r.details);
    const expected = ['old file 0', 'old file 1', 'old file 2', 'new file 0', 'new file 1', 'new file 2', 'after backup 0', 'after backup 1', 'restored 0', 'restored 1'];
    expect(inTeam).toEqual(expected);
    const b = await team.open('b');
    try {
      const page = await valueIn<ActivityPage>(b, 'activity.list', { search: 'replace', limit: 1000 });
      const fromA = page.entries.filter((e) => e.origin?.name === 'a' && e.kind === 'replace');
      expect(fromA.map((e) => e.details).sort()).toEqual([...expected].sort());
      expect(new Set(fromA.map((e) => e.id)).size, 'every entry has an id of its own').toBe(expected.length);
    } finally {
      await b.close();
    }
    // A's own list shows them all too, as its own: the restored file's from its log, the rest
    // (the lost file's) from the team, none twice.
    a = await team.open('a');
    try {
      const page = await valueIn<ActivityPage>(a, 'activity.list', { search: 'replace', limit: 1000 });
      const own = page.entries.filter((e) => e.kind === 'replace');
      expect(own.map((e) => e.details).sort()).toEqual([...expected].sort());
      expect(own.every((e) => e.origin?.mine === true && e.origin.name === 'a')).toBe(true);
      expect(page.total, 'counted once each').toBe(page.entries.length);
      expect(new Set(page.entries.map((e) => e.id)).size).toBe(page.entries.length);
    } finally {
      await a.close();
    }
  }, 90_000);
});
