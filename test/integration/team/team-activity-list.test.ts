import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/contract/activity';
import { startTeam, type TeamSetup } from '../../helpers/team-setup';
import { lockTeamTable, stall } from '../../helpers/team-stall';

type ActivityPage = { entries: ActivityEntry[]; total: number; team: { workstation: string; othersMissing: boolean } | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: the whole team’s activity list', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  /** Polls `check` until it holds or `ms` passed; returns whether it held. */
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await sleep(20);
    }
    return check();
  };
  /** Reads of the others' entries (they join team_workstations) waiting for a lock. */
  const waitingOnWorkstations = async () =>
    Number(
      (await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM team_activity a LEFT JOIN team_workstations%'")).rows[0].n,
    );
  /** Holds the team's read of the others' entries (not the push: team_activity has no key into team_workstations) until the returned release. */
  const holdTeamReads = () => lockTeamTable(team.pg.urlWithPassword, 'team_workstations');

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'activity-list' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await team?.stop();
  });

  it('an entry pushed to the team while the list reads it is listed once, under its local id', async () => {
    const a = await team.open('a');
    let locker: pg.Client | undefined;
    try {
      await a.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOn', details: 'before' });
      expect(await a.services.activity.team!.flush()).toBe(true);
      locker = await holdTeamReads();
      // The list reads what the local log holds; the entry is written right behind that read (the
      // data file runs statements in order), and its push reaches the team while the list's read
      // of the team still waits.
      const listing = a.services.activity.list({ limit: 1000, offset: 0, scope: 'team' }) as Promise<ActivityPage>;
      const logged = a.services.activity.log({ level: 'warn', kind: 'test', messageId: 'encryption.activity.turnedOn', details: 'in between' });
      await logged;
      const pushed = async () => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM team_activity WHERE details = 'in between'")).rows[0].n) === 1;
      expect(await until(pushed, 10_000), 'the entry reached the team').toBe(true);
      expect(await until(async () => (await waitingOnWorkstations()) > 0, 10_000), 'the list’s read of the team waits').toBe(true);
      await locker.query('COMMIT');
      const page = await listing;
      expect(page.team).toEqual({ workstation: 'a', othersMissing: false });
      const between = page.entries.filter((e) => e.details === 'in between');
      expect(between, 'listed once').toHaveLength(1);
      const [local] = await a.db.all<{ id: bigint }>("SELECT id FROM activity WHERE details = 'in between'");
      // The id the live entry had: the screen does not show it twice either.
      expect(between[0]).toMatchObject({ id: String(local.id), origin: { name: 'a', mine: true } });
      expect(new Set(page.entries.map((e) => e.id)).size, 'no id twice').toBe(page.entries.length);
      expect(page.total, 'counted once each').toBe(page.entries.length);
      // Read again, the list is the same entries.
      const again = await a.services.activity.list({ limit: 1000, offset: 0, scope: 'team' });
      expect(again.entries.map((e) => e.id).sort()).toEqual(page.entries.map((e) => e.id).sort());
    } finally {
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end();
      await a.close();
    }
  }, 60_000);

  it('a stall of this process while the team database answers does not count as the database missing', async () => {
    const a = await team.open('a');
    const b = await team.open('b');
    let locker: pg.Client | undefined;
    try {
      await b.services.activity.log({ level: 'info', kind: 'test', messageId: 'encryption.activity.turnedOff', details: 'from b' });
      expect(await b.services.activity.team!.flush()).toBe(true);
      // A warm connection, so the list's read of the team is its two queries and nothing else.
      expect((await a.services.activity.list({ limit: 10, offset: 0, scope: 'team' })).team?.othersMissing).toBe(false);
      locker = await holdTeamReads();
      const listing = a.services.activity.list({ limit: 1000, offset: 0, scope: 'team' }) as Promise<ActivityPage>;
      // The read was sent and waits; the database answers right away once the lock goes, while
      // this process is stalled for longer than the list waits.
      expect(await until(async () => (await waitingOnWorkstations()) > 0, 10_000), 'the list’s read of the team waits').toBe(true);
      void locker.query('COMMIT');
      stall(1_700);
      const page = await listing;
      expect(page.team).toEqual({ workstation: 'a', othersMissing: false });
      expect(page.entries.some((e) => e.details === 'from b' && e.origin?.name === 'b')).toBe(true);
    } finally {
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end();
      await a.close();
      await b.close();
    }
  }, 60_000);
});
