import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { Database } from '../../../main/services/store/database';
import { SuppressionList } from '../../../main/services/suppression/suppression-list';
import { clockOffEntry, createSuppressionSync, type SuppressionSync } from '../../../main/services/suppression/suppression-sync';
import { migrateTeamDatabase, openTeamStore, type TeamStore } from '../../../main/services/team/team-store';
import { appIntl } from '../../../shared/i18n/intl';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';
import { tempDir } from '../../helpers/temp-dir';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A workstation of the team: its own data file and suppression list, its clock `skew` ms off real time. */
interface Workstation {
  readonly db: Database;
  readonly store: TeamStore;
  readonly list: SuppressionList;
  readonly sync: SuppressionSync;
  /** Offsets the sync told the operator about. */
  readonly warnings: number[];
  /** Suppressed addresses on its own list. */
  listed(): Promise<Set<string>>;
  close(): Promise<void>;
}

describe('team mode: suppression changes are ordered by real time, not by workstation clocks', () => {
  let server: PostgresHandle;
  let admin: pg.Client;
  const dir = tempDir('loopdesk-clock-');
  const open: Workstation[] = [];

  const workstation = async (name: string, skewMs: number): Promise<Workstation> => {
    const db = await Database.open(join(dir.path, `${name}.duckdb`), ALL_MIGRATIONS);
    const store = await openTeamStore({ url: server.url, password: server.password, workstation: name, workstationName: name });
    const now = () => Date.now() + skewMs;
    const warnings: number[] = [];
    const w: Workstation = {
      db,
      store,
      list: new SuppressionList(db, now),
      sync: createSuppressionSync(db, store, { now, onClockOff: async (offset) => void warnings.push(offset) }),
      warnings,
      listed: async () => new Set((await db.all<{ email: string }>('SELECT email FROM suppression')).map((r) => r.email)),
      async close() {
        await w.sync.close();
        await store.close();
        await db.close();
      },
    };
    open.push(w);
    return w;
  };
  /** The shared list's row of an address. */
  const shared = async (email: string) =>
    (await admin.query<{ removed: boolean; changed_by_name: string; changed_at: Date }>('SELECT removed, changed_by_name, changed_at FROM team_suppression WHERE email = $1', [email])).rows[0];

  beforeAll(async () => {
    server = await startPostgres();
    await migrateTeamDatabase({ url: server.url, password: server.password });
    admin = new pg.Client({ connectionString: server.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    for (const w of open) await w.close();
    await admin?.end();
    await server?.stop();
    dir.cleanup();
  });

  it('a removal made after a suppression wins, although the suppressing workstation’s clock is 10 minutes fast', async () => {
    const fast = await workstation('fast1', 10 * MINUTE);
    const right = await workstation('right1', 0);
    // 10:00 real time on the fast workstation (its clock says 10:10): an operator suppresses the address.
    await fast.list.add([{ email: 'fast@example.com', reason: 'unsubscribed by phone', source: 'import calls.xlsx' }]);
    await fast.sync.sync();
    await right.sync.sync();
    expect(await right.listed()).toContain('fast@example.com');
    // A little later in real time, an operator on the other workstation removes it again.
    await sleep(50);
    expect(await right.list.remove('fast@example.com', 'asked to be mailed again')).toBe(true);
    const pushed = await right.sync.sync();
    expect(pushed.superseded).toEqual([]);
    expect(await shared('fast@example.com')).toMatchObject({ removed: true, changed_by_name: 'right1' });
    await fast.sync.sync();
    expect(await fast.listed()).not.toContain('fast@example.com');
    // The fast workstation's change is on the team database's time: no later than when it was made.
    const row = (await admin.query<{ n: string }>("SELECT count(*) AS n FROM team_suppression_superseded WHERE email = 'fast@example.com'")).rows[0];
    expect(Number(row.n)).toBe(0);
  });

  it('an operator’s suppression made after a removal wins, although its workstation’s clock is 10 minutes behind', async () => {
    const slow = await workstation('slow2', -10 * MINUTE);
    const right = await workstation('right2', 0);
    await right.list.add([{ email: 'slow@example.com', reason: 'hard bounce', source: 'import bounces.xlsx' }]);
    expect(await right.list.remove('slow@example.com', 'address fixed')).toBe(true);
    await right.sync.sync();
    await slow.sync.sync();
    expect(await shared('slow@example.com')).toMatchObject({ removed: true, changed_by_name: 'right2' });
    // Later in real time the recipient unsubscribes by phone; the operator on the slow workstation (its clock says 10 minutes earlier) suppresses the address.
    await sleep(50);
    expect(await slow.list.add([{ email: 'slow@example.com', reason: 'unsubscribed by phone', source: 'import calls.xlsx' }])).toBe(1);
    const pushed = await slow.sync.sync();
    expect(pushed.superseded).toEqual([]);
    expect(await shared('slow@example.com')).toMatchObject({ removed: false, changed_by_name: 'slow2' });
    await right.sync.sync();
    expect(await right.listed()).toContain('slow@example.com');
  });

  it('a removal made offline on a fast clock and pushed later loses against an unsubscribe made after it, and is kept as superseded', async () => {
    const fast = await workstation('fast3', 10 * MINUTE);
    const right = await workstation('right3', 0);
    await right.list.add([{ email: 'offline@example.com', reason: 'unsubscribed', source: 'import old.xlsx' }]);
    await right.sync.sync();
    await fast.sync.sync();
    expect(await fast.listed()).toContain('offline@example.com');
    expect(await right.list.remove('offline@example.com', 'checked with the customer')).toBe(true);
    await right.sync.sync();
    // The fast workstation is offline (it does not sync) when its operator removes the address too.
    expect(await fast.list.remove('offline@example.com', 'asked to be mailed again')).toBe(true);
    await sleep(50);
    // After that, in real time, the recipient unsubscribes: the response pull on the other workstation brings it with the mailing server's time.
    const unsubscribedAt = new Date();
    expect(await right.list.add([{ email: 'offline@example.com', reason: 'Unsubscribed', source: 'mailing 51106527229', at: unsubscribedAt }])).toBe(1);
    await right.sync.sync();
    expect(await shared('offline@example.com')).toMatchObject({ removed: false, changed_by_name: 'right3', changed_at: unsubscribedAt });
    // Back online much later: its removal (stamped 10 minutes ahead) reaches the team and loses, visibly.
    await sleep(300);
    const pushed = await fast.sync.sync();
    expect(pushed.superseded.map((c) => [c.email, c.removed])).toEqual([['offline@example.com', true]]);
    // On the team's time it was made before the unsubscribe, not 10 minutes after.
    expect(pushed.superseded[0].changedAt.getTime()).toBeLessThan(unsubscribedAt.getTime());
    expect(await shared('offline@example.com')).toMatchObject({ removed: false, changed_by_name: 'right3' });
    const lost = (await admin.query("SELECT removed, changed_by_name FROM team_suppression_superseded WHERE email = 'offline@example.com'")).rows;
    expect(lost).toEqual([{ removed: true, changed_by_name: 'fast3' }]);
    // The winner comes back to the fast workstation.
    await fast.sync.sync();
    expect(await fast.listed()).toContain('offline@example.com');
  });

  it('a removal made on a fast clock does not hold back an unsubscribe made after it that the same workstation pulls', async () => {
    const fast = await workstation('fast6', 10 * MINUTE);
    await fast.list.add([{ email: 'pulled@example.com', reason: 'unsubscribed', source: 'import old.xlsx' }]);
    expect(await fast.list.remove('pulled@example.com', 'asked to be mailed again')).toBe(true);
    await fast.sync.sync();
    expect(await shared('pulled@example.com')).toMatchObject({ removed: true, changed_by_name: 'fast6' });
    // After the removal in real time (but 10 minutes before what the fast clock stamped on it), the recipient unsubscribes.
    await sleep(50);
    const unsubscribedAt = new Date();
    expect(await fast.list.add([{ email: 'pulled@example.com', reason: 'Unsubscribed', source: 'mailing 51106527229', at: unsubscribedAt }])).toBe(1);
    await fast.sync.sync();
    expect(await shared('pulled@example.com')).toMatchObject({ removed: false, changed_by_name: 'fast6', changed_at: unsubscribedAt });
  });

  it('times from the mailing server’s files are pushed as they are, whatever the workstation’s clock', async () => {
    const fast = await workstation('fast4', 10 * MINUTE);
    const bouncedAt = new Date(Date.now() - 3 * MINUTE);
    expect(await fast.list.add([{ email: 'bounced@example.com', reason: 'Hard bounce', source: 'mailing 51106527229', at: bouncedAt }])).toBe(1);
    await fast.sync.sync();
    expect(await shared('bounced@example.com')).toMatchObject({ removed: false, changed_at: bouncedAt });
  });

  it('tells the operator once when this workstation’s clock is a minute or more off the team database’s', async () => {
    const behind = await workstation('behind5', -12 * MINUTE - 10_000);
    const right = await workstation('right5', 0);
    await behind.sync.sync();
    await right.sync.sync();
    expect(behind.warnings).toHaveLength(1);
    expect(Math.abs(behind.warnings[0] - (12 * MINUTE + 10_000))).toBeLessThan(2_000);
    expect(right.warnings).toEqual([]);
    // Further syncs and pushes measure again, but say nothing new while the offset stays.
    await behind.list.add([{ email: 'again@example.com', reason: 'r', source: 'import a.xlsx' }]);
    await behind.sync.sync();
    expect(behind.warnings).toHaveLength(1);

    const entry = clockOffEntry(behind.warnings[0]);
    expect(entry).toMatchObject({ level: 'warn', kind: 'suppression', messageId: 'team.activity.clockOff', values: { direction: 'behind', minutes: 12 } });
    expect(appIntl('en').formatMessage({ id: entry.messageId }, entry.values)).toMatch(/^This computer’s clock is 12 minutes behind the team database’s\./);
    expect(appIntl('de').formatMessage({ id: entry.messageId }, entry.values)).toMatch(/^Die Uhr dieses Computers geht gegenüber der Teamdatenbank 12 Minuten nach\./);
    expect(appIntl('en').formatMessage({ id: 'team.activity.clockOff' }, clockOffEntry(-MINUTE).values)).toMatch(/^This computer’s clock is 1 minute ahead/);
  });
});
