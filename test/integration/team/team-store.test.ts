import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/contract/result';
import { FINISHED_SEND_STATES, movesForward, SEND_STATES } from '../../../shared/contract/sends';
import { nextSecond } from '../../../main/services/sends/send-runner';
import type { ClaimRequest } from '../../../main/services/store/send-claims';
import { migrateTeamDatabase, openTeamStore, type TeamNotice, type TeamStore } from '../../../main/services/team/team-store';
import { TEAM_MIGRATIONS } from '../../../main/services/team/team-migrations';
import { describeUrl } from '../../../main/services/team/team-connection';
import { freePort } from '../../helpers/sshd';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';

const LEASE = { ttlMs: 1_500, graceMs: 500, staleAfterMs: 2_000 };

function request(sendId: string, over: Partial<ClaimRequest> = {}): ClaimRequest {
  const fileName = over.fileName ?? '20261206010000_subscribers.csv';
  const productsFileName = over.productsFileName === undefined ? fileName.replace('subscribers', 'products') : over.productsFileName;
  const stamp = fileName.slice(0, 14);
  const at = (seconds: number) => {
    let s = stamp;
    for (let i = 0; i < seconds; i++) s = nextSecond(s);
    return s;
  };
  return {
    sendId,
    profile: 'prod',
    client: 'acme',
    sourceMailingId: '44018617811',
    sourceMailingName: 'Weekly',
    test: false,
    state: 'queued',
    recipients: 10,
    uploadDir: 'upload',
    logDir: 'logs',
    fileName,
    productsFileName,
    namesAt: (seconds) => ({ fileName: `${at(seconds)}${fileName.slice(14)}`, productsFileName: productsFileName && `${at(seconds)}${productsFileName.slice(14)}` }),
    ...over,
  };
}

describe('team store on a real PostgreSQL 15', () => {
  let pgServer: PostgresHandle;
  const stores: TeamStore[] = [];
  const open = async (workstation: string) => {
    const s = await openTeamStore({ url: pgServer.url, password: pgServer.password, workstation, workstationName: `ws ${workstation}`, lease: LEASE });
    stores.push(s);
    return s;
  };

  const byId = (id: string) => stores.find((s) => s.workstation === id)!;

  beforeAll(async () => {
    pgServer = await startPostgres();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await pgServer?.stop();
  });

  it('refuses to join a database that team init has not set up', async () => {
    const err = await openTeamStore({ url: pgServer.url, password: pgServer.password, workstation: 'w0', workstationName: 'w0' }).catch((e) => e);
    expect(isAppError(err) && err.code).toBe('TEAM_UNAVAILABLE');
    expect((err as { details: { reason: string } }).details.reason).toBe('not-initialised');
  });

  it('closes its connections when it refuses a database whose schema is older than this Loopdesk', async () => {
    const c = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await c.connect();
    await c.query('CREATE TABLE team_migrations (version integer PRIMARY KEY, name text NOT NULL)');
    await c.query(`INSERT INTO team_migrations VALUES (0, 'older')`);
    const err = await openTeamStore({ url: pgServer.url, password: pgServer.password, workstation: 'w0', workstationName: 'w0' }).catch((e) => e);
    expect(isAppError(err) && err.code).toBe('TEAM_UNAVAILABLE');
    expect((err as { details: { reason: string } }).details.reason).toBe('schema-outdated');
    // Nobody holds the refused store, so it must have closed its pool itself.
    const ours = async () => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'loopdesk'`)).rows[0].n);
    let left = await ours();
    for (let i = 0; i < 40 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = await ours();
    }
    expect(left).toBe(0);
    // Every known version must be there, not only the highest: a database that has the last one
    // but lacks one before it (two added in one release, applied by number) is refused too.
    await c.query('DELETE FROM team_migrations');
    for (const m of TEAM_MIGRATIONS.filter((_, i) => i !== 1)) await c.query('INSERT INTO team_migrations VALUES ($1, $2)', [m.version, m.name]);
    const gap = await openTeamStore({ url: pgServer.url, password: pgServer.password, workstation: 'w0', workstationName: 'w0' }).catch((e) => e);
    expect(isAppError(gap) && gap.code).toBe('TEAM_UNAVAILABLE');
    expect((gap as { details: { reason: string; version: number } }).details).toMatchObject({ reason: 'schema-outdated', version: TEAM_MIGRATIONS[0].version });
    await c.query('DROP TABLE team_migrations');
    await c.end();
  });

  it('applies the migrations exactly once when four workstations run team init at the same time', async () => {
    const applied = await Promise.all([1, 2, 3, 4].map(() => migrateTeamDatabase({ url: pgServer.url, password: pgServer.password })));
    expect(applied.flat()).toEqual(TEAM_MIGRATIONS.map((m) => m.version));
    const c = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await c.connect();
    const rows = (await c.query('SELECT version FROM team_migrations')).rows;
    await c.end();
    expect(rows).toEqual(TEAM_MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('refuses a database without the log-epoch migration (7) with the “run team init” message; team init adds it and keeps the rows written before', async () => {
    const name = pgServer.createDatabase('loopdesk_epochs');
    const url = pgServer.url.replace(/\/[^/]+$/, `/${name}`);
    const before = TEAM_MIGRATIONS.filter((m) => m.version < 7);
    expect(await migrateTeamDatabase({ url, password: pgServer.password }, before)).toEqual([1, 2, 3, 4, 5, 6]);
    const c = new pg.Client({ connectionString: pgServer.urlWithPassword.replace(/\/[^/]+$/, `/${name}`) });
    await c.connect();
    try {
      // An entry and a suppression change pushed by an earlier Loopdesk.
      await c.query(`INSERT INTO team_activity (workstation, local_id, workstation_name, occurred_at, level, kind, message) VALUES ('w-old', 5, 'old', now(), 'info', 'test', 'pushed before epochs')`);
      await c.query(`INSERT INTO team_suppression VALUES ('old@example.com', false, 'unsubscribed', 'mailing 1', now(), 'w-old', 'old', nextval('team_suppression_seq'))`);
      const err = await openTeamStore({ url, password: pgServer.password, workstation: 'w-old', workstationName: 'old' }).catch((e) => e);
      expect(isAppError(err) && err.code).toBe('TEAM_UNAVAILABLE');
      const latest = TEAM_MIGRATIONS.at(-1)!.version;
      expect((err as { details: unknown }).details).toEqual({ reason: 'schema-outdated', version: 6, latest });
      const target = describeUrl(url);
      expect((err as Error).message).toBe(`The team database ${target} has schema 6, this Loopdesk needs ${latest}. Run “loopdesk team init --url ${target}” to update it.`);

      expect(await migrateTeamDatabase({ url, password: pgServer.password })).toEqual(TEAM_MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version));
      const store = await openTeamStore({ url, password: pgServer.password, workstation: 'w-old', workstationName: 'old' });
      try {
        // The old entry is the default epoch's: its cursor goes on from it, and a repeat is still written once.
        expect(await store.pushedActivity()).toEqual(new Map([['', 5]]));
        const entry = { localId: 5, at: new Date(), level: 'info' as const, kind: 'test', profile: null, message: 'again', messageId: null, messageValues: null, details: null };
        await store.pushActivity([{ ...entry, epoch: '' }, { ...entry, epoch: 'e-new' }]);
        expect((await c.query('SELECT epoch, message FROM team_activity ORDER BY epoch')).rows).toEqual([
          { epoch: '', message: 'pushed before epochs' },
          { epoch: 'e-new', message: 'again' },
        ]);
        expect(await store.pullSuppression(0)).toEqual([expect.objectContaining({ email: 'old@example.com', by: 'w-old', epoch: '' })]);
      } finally {
        await store.close();
      }
    } finally {
      await c.end();
    }
  });

  it('lets exactly one of many concurrent claims on one source mailing in, and reserves unique names', async () => {
    const ws = await Promise.all(['a', 'b', 'c', 'd'].map(open));
    const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => ws[i % 4].claim(request(`s-lock-${i}`))));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(isAppError(o.reason) && o.reason.code).toBe('CONFLICT');
    // Different source mailings, same second: every send gets names of its own.
    const names = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ws[i % 4].claim(request(`s-names-${i}`, { sourceMailingId: `m-${i}` }))),
    );
    const all = names.flatMap((n) => [n.fileName, n.productsFileName]);
    expect(new Set(all).size).toBe(40);
  });

  it('releases the source mailing when the send ends, and tells the other workstations in under a second', async () => {
    const b = byId('b');
    const seen: { notice: TeamNotice; at: number }[] = [];
    const stop = await b.watch((notice) => seen.push({ notice, at: Date.now() }));
    const claimed = (await b.list()).find((s) => s.id.startsWith('s-lock-') && s.active)!;
    // Only the owner (or the lease holder) moves a send; the others' changes are ignored.
    await byId(claimed.workstation === 'a' ? 'b' : 'a').recordState({ sendId: claimed.id, state: 'error', message: 'not mine' });
    expect((await b.list()).find((s) => s.id === claimed.id)).toMatchObject({ active: true });
    const a = byId(claimed.workstation);
    const started = Date.now();
    await a.recordState({ sendId: claimed.id, state: 'sent', message: 'Mailing sent.' });
    const deadline = Date.now() + 1_000;
    while (!seen.some((s) => s.notice.sendId === claimed.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await stop();
    const hit = seen.find((s) => s.notice.sendId === claimed.id);
    expect(hit?.notice).toEqual({ sendId: claimed.id, state: 'sent', workstation: claimed.workstation });
    expect(hit!.at - started).toBeLessThan(1_000);
    await expect(b.claim(request('s-after', { fileName: '20261206020000_subscribers.csv' }))).resolves.toBeTruthy();
  });

  it('gives the upload lease to one workstation; another takes over only after it ran out', async () => {
    const [a, b] = [byId('a'), byId('b')];
    await a.claim(request('s-lease', { sourceMailingId: 'lease', fileName: '20261206030000_subscribers.csv' }));
    expect(await a.acquireLease('s-lease')).toEqual({ kind: 'held' });
    expect(await b.acquireLease('s-lease')).toEqual({ kind: 'busy', holder: 'a' });
    expect(await b.takeOver('s-lease')).toBe(false);
    await a.assertLease('s-lease');
    // a stops renewing (as a dead or cut-off workstation does).
    await a.close();
    stores.splice(stores.indexOf(a), 1);
    await new Promise((r) => setTimeout(r, LEASE.ttlMs + LEASE.graceMs + 300));
    expect((await b.abandoned()).map((s) => s.id)).toContain('s-lease');
    expect(await b.takeOver('s-lease')).toBe(true);
    const step = { id: 'team.event.abandoned', values: { workstation: 'a', file: '20261206030000_subscribers.csv' } };
    await b.recordState({ sendId: 's-lease', state: 'error', message: 'reconciled', text: step });
    // The workstation that lost the lease learns the send ended (and why, as the catalog text other languages need) and never uploads it.
    const a2 = await open('a');
    const outcome = await a2.acquireLease('s-lease');
    expect(outcome).toEqual({ kind: 'ended', state: 'error', message: 'reconciled', text: step });
  });

  it('moves a send only forward, in the order movesForward defines, for every pair of states', async () => {
    const a = byId('a');
    const admin = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await admin.connect();
    try {
      let n = 0;
      for (const from of SEND_STATES) {
        for (const to of SEND_STATES) {
          const id = `s-order-${from}-${to}`;
          const stamp = `2026120805${String(Math.floor(n / 60)).padStart(2, '0')}${String(n % 60).padStart(2, '0')}`;
          n++;
          await a.claim(request(id, { sourceMailingId: id, fileName: `${stamp}_subscribers.csv`, state: 'queued' }));
          await admin.query('UPDATE team_sends SET state = $2, active = $3 WHERE id = $1', [id, from, !(FINISHED_SEND_STATES as readonly string[]).includes(from)]);
          await a.recordState({ sendId: id, state: to, message: 'told', step: 2 });
          const row = (await admin.query<{ state: string; told: string }>("SELECT state, (SELECT count(*) FROM team_send_events e WHERE e.send_id = s.id AND e.message = 'told') AS told FROM team_sends s WHERE id = $1", [id])).rows[0];
          expect({ from, to, accepted: row.state === to && row.told === '1' }).toEqual({ from, to, accepted: movesForward(from, to) });
        }
      }
    } finally {
      await admin.end();
    }
  });

  it('takes each step of a send once, and nothing from a workstation that lags behind an approval, even when two writers race', async () => {
    const [a, b] = [byId('a'), byId('b')];
    await a.claim(request('s-steps', { sourceMailingId: 'steps', fileName: '20261208060000_subscribers.csv', state: 'awaiting_approval' }));
    await b.decide('s-steps', 'approved', '');
    const events = async () => (await b.get('s-steps'))!.events.map((e) => `${e.state}:${e.message}`);
    const state = async () => (await b.get('s-steps'))!.state;
    expect(await state()).toBe('queued');
    // A's process that has not seen the approval yet tells its old state: refused, and counted as told.
    await a.recordState({ sendId: 's-steps', state: 'awaiting_approval', message: 'Waits for approval.' });
    await a.recordState({ sendId: 's-steps', state: 'awaiting_approval', message: 'Waits for approval.', step: 1 });
    expect(await state()).toBe('queued');
    expect((await a.toldSteps(['s-steps'])).get('s-steps')).toEqual({ steps: 1, at: null });
    // Its own "Approved by" step after B's is not repeated; each step told twice is written once.
    await a.recordState({ sendId: 's-steps', state: 'queued', message: 'Approved by ws b.', text: { id: 'team.event.approved', values: { name: 'ws b' } }, step: 2 });
    await a.recordState({ sendId: 's-steps', state: 'uploading', message: 'Uploading.', step: 3 });
    await a.recordState({ sendId: 's-steps', state: 'uploading', message: 'Uploading.', step: 3 });
    await a.recordState({ sendId: 's-steps', state: 'uploading', message: '1 row left out.', recipients: 9, excluded: 1, step: 4 });
    // Two processes race: one tells the newer state, one an older one; whatever the order, the newer wins.
    await Promise.all([
      a.recordState({ sendId: 's-steps', state: 'on_server', message: 'On the server.', step: 5 }),
      a.recordState({ sendId: 's-steps', state: 'queued', message: 'Queued again.', step: 5 }),
    ]);
    expect(await state()).toBe('on_server');
    expect(await events()).toEqual(['awaiting_approval:Claimed by ws a.', 'queued:Approved by ws b.', 'uploading:Uploading.', 'uploading:1 row left out.', 'on_server:On the server.']);
    expect((await b.get('s-steps'))).toMatchObject({ recipients: 9, excluded: 1 });
    expect((await a.toldSteps(['s-steps', 'unknown'])).get('s-steps')).toEqual({ steps: 5, at: null });
  });

  it('takes the steps of a data file restored from an older backup (past the newest step told by their time), each once, at their own time', async () => {
    const [a, b] = [byId('a'), byId('b')];
    const id = 's-restored';
    await a.claim(request(id, { sourceMailingId: 'restored', fileName: '20261208080000_subscribers.csv', state: 'queued' }));
    const t = (seconds: number) => new Date(Date.UTC(2026, 11, 8, 8, 0, seconds));
    const told = async () => (await a.toldSteps([id])).get(id);
    const events = async () => (await b.get(id))!.events.map((e) => ({ step: `${e.state}:${e.message}`, at: e.at.toISOString() }));
    await a.recordState({ sendId: id, state: 'uploading', message: 'Uploading.', step: 2, at: t(1) });
    await a.recordState({ sendId: id, state: 'on_server', message: 'On the server.', step: 3, at: t(2) });
    await a.recordState({ sendId: id, state: 'taken', message: 'Taken.', step: 4, at: t(3) });
    expect(await told()).toEqual({ steps: 4, at: t(3) });
    // A's data file comes back from a backup with two steps: the steps it takes now are 3 and 4
    // of its timeline again, later than any the team has. The backup's own steps, told again, are not new.
    await a.recordState({ sendId: id, state: 'uploading', message: 'Uploading.', step: 2, at: t(1) });
    await a.recordState({ sendId: id, state: 'imported', message: 'Imported.', step: 3, at: t(20) });
    await a.recordState({ sendId: id, state: 'imported', message: 'Imported.', step: 3, at: t(20) });
    await a.recordState({ sendId: id, state: 'imported', message: '1 recipient imported.', step: 4, at: t(21) });
    // Two steps in one millisecond: the position orders them.
    await a.recordState({ sendId: id, state: 'mailing_created', message: 'Mailing created.', step: 5, at: t(22) });
    await a.recordState({ sendId: id, state: 'sending', message: 'Sending started.', step: 6, at: t(22) });
    // Not past the newest step told: a step of an earlier time, or the same time and position.
    await a.recordState({ sendId: id, state: 'sending', message: 'Earlier.', step: 7, at: t(21) });
    await a.recordState({ sendId: id, state: 'sending', message: 'Again.', step: 6, at: t(22) });
    expect(await events()).toEqual([
      { step: 'queued:Claimed by ws a.', at: expect.any(String) },
      { step: 'uploading:Uploading.', at: t(1).toISOString() },
      { step: 'on_server:On the server.', at: t(2).toISOString() },
      { step: 'taken:Taken.', at: t(3).toISOString() },
      { step: 'imported:Imported.', at: t(20).toISOString() },
      { step: 'imported:1 recipient imported.', at: t(21).toISOString() },
      { step: 'mailing_created:Mailing created.', at: t(22).toISOString() },
      { step: 'sending:Sending started.', at: t(22).toISOString() },
    ]);
    expect(await told()).toEqual({ steps: 6, at: t(22) });
  });

  it('approves a send whose time is still ahead as scheduled, as its own workstation will', async () => {
    const [a, b] = [byId('a'), byId('b')];
    await a.claim(request('s-later', { sourceMailingId: 'later', fileName: '20261208070000_subscribers.csv', state: 'awaiting_approval', scheduledAt: new Date(Date.now() + 3_600_000) }));
    await b.decide('s-later', 'approved', '');
    expect((await b.get('s-later'))?.state).toBe('scheduled');
    // Its owner settles it as scheduled, then due: both forward.
    await a.recordState({ sendId: 's-later', state: 'scheduled', message: 'Approved by ws b.', text: { id: 'team.event.approved', values: { name: 'ws b' } }, step: 2 });
    await a.recordState({ sendId: 's-later', state: 'queued', message: 'Due.', step: 3 });
    expect((await b.get('s-later'))?.events.map((e) => `${e.state}:${e.message}`)).toEqual(['awaiting_approval:Claimed by ws a.', 'scheduled:Approved by ws b.', 'queued:Due.']);
  });

  it('fails with TEAM_UNAVAILABLE, quickly, when the database cannot be reached', async () => {
    const port = await freePort();
    const url = `postgres://nobody@127.0.0.1:${port}/none`;
    const started = Date.now();
    const err = await openTeamStore({ url, password: 'x', workstation: 'z', workstationName: 'z', timeoutMs: 2_000 }).catch((e) => e);
    expect(isAppError(err) && err.code).toBe('TEAM_UNAVAILABLE');
    expect((err as { details: { reason: string } }).details.reason).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(3_000);
    const wrong = await openTeamStore({ url: pgServer.url, password: 'wrong', workstation: 'z', workstationName: 'z' }).catch((e) => e);
    expect((wrong as { details: { reason: string } }).details.reason).toBe('auth');
  });
});

describe('loopdesk team status --watch on a second workstation', () => {
  let pgServer: PostgresHandle;
  beforeAll(async () => {
    pgServer = await startPostgres();
    await migrateTeamDatabase({ url: pgServer.url, password: pgServer.password });
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('prints another workstation\'s state change in under a second', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { main } = await import('../../../main/cli/main');
    const dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-watch-'));
    const env = { ...process.env, LOOPDESK_TEAM_PASSWORD: pgServer.password };
    expect(await main(['--data-dir', dataDir, 'team', 'join', '--url', pgServer.url, '--name', 'watcher'], { out: () => undefined, err: () => undefined } as never, env)).toBe(0);
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/bin.mjs', '--data-dir', dataDir, '--json', 'team', 'status', '--watch'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const ready = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => ((err += d.toString()), err.includes('Watching') && resolve())));
    try {
      await ready;
      const a = await openTeamStore({ url: pgServer.url, password: pgServer.password, workstation: 'a', workstationName: 'a' });
      const started = Date.now();
      await a.claim(request('s-watched'));
      let seenAt = 0;
      while (!seenAt && Date.now() - started < 2_000) {
        if (out.includes('"s-watched"')) seenAt = Date.now();
        else await new Promise((r) => setTimeout(r, 5));
      }
      await a.close();
      expect(seenAt, `watcher printed: ${out} ${err}`).toBeGreaterThan(0);
      expect(seenAt - started).toBeLessThan(1_000);
      const line = out.split('\n').find((l) => l.includes('"s-watched"'))!;
      expect(JSON.parse(line).notice).toEqual({ sendId: 's-watched', state: 'queued', workstation: 'a' });
    } finally {
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
