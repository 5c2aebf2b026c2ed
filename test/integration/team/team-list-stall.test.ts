import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { createTeamSend, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';
import { lockTeamTable, stall } from '../../helpers/team-stall';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: a stall of this process is not the team database missing (sends list)', () => {
  let team: TeamSetup;
  let admin: pg.Client;

  beforeAll(async () => {
    // Four eyes: B's send waits for approval, so it stays as it is while A lists.
    team = await startTeam(['a', 'b'], { seed: 'list-stall', client: { fourEyes: true } });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await team?.stop();
  });

  it('A lists B’s send although A stalled for longer than the list waits, while the database answered', async () => {
    const a = await team.open('a');
    const b = await team.open('b');
    let locker: pg.Client | undefined;
    try {
      const created = await createTeamSend(team, b, team.client.mailingIds[0]);
      expect(created.ok).toBe(true);
      const id = created.ok ? created.value.id : '';
      // Warm: A's list reaches the team and shows B's send.
      expect((await valueIn<Send[]>(a, 'sends.list', {})).some((s) => s.id === id)).toBe(true);
      // Hold A's read of the shared journal (it joins team_workstations) until the lock goes.
      locker = await lockTeamTable(team.pg.urlWithPassword, 'team_workstations');
      const listing = valueIn<Send[]>(a, 'sends.list', {});
      const waiting = async () =>
        Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM team_sends s LEFT JOIN team_workstations%'")).rows[0].n);
      const deadline = Date.now() + 10_000;
      while ((await waiting()) === 0 && Date.now() < deadline) await sleep(20);
      expect(await waiting(), 'A’s read of the team waits on the lock').toBeGreaterThan(0);
      // The database answers as soon as the lock goes; this process is busy for longer than the list waits.
      void locker.query('COMMIT');
      stall(1_700);
      expect((await listing).some((s) => s.id === id)).toBe(true);
    } finally {
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end();
      await a.close();
      await b.close();
    }
  }, 60_000);
});
