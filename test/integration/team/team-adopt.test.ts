import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { createTeamSend, startTeam, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: a workstation that died right after publishing its file', () => {
  let team: TeamSetup;

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'adopt', env: { LOOPDESK_TEAM_LEASE_MS: '1000' } });
  });
  afterAll(async () => {
    await team?.stop();
  });

  it('another workstation adopts the send from the server and follows it to "sent"; the first never uploads it again', async () => {
    const c = team.client;
    // Workstation A claims and prepares the send, takes the lease, publishes the file, and dies
    // before its journal hears of it: the file is on the server under its final name.
    const a = await team.open('a');
    const created = await createTeamSend(team, a, c.mailingIds[0]);
    expect(created.ok).toBe(true);
    const send = (created as { value: Send }).value;
    await a.close();
    const db = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await db.connect();
    await db.query("UPDATE team_sends SET state = 'uploading', lease_holder = workstation, lease_until = now() WHERE id = $1", [send.id]);
    const work = join(team.dataDirs.a, 'sends', send.id);
    const uploadDir = join(c.localDir, 'upload');
    copyFileSync(join(work, readdirSync(work).find((n) => n.endsWith('_subscribers.csv'))!), join(uploadDir, send.fileName));
    await sleep(1_000 + 400 + 200);

    const b = await team.open('b');
    let followed: Send | undefined;
    try {
      for (let i = 0; i < 20 && followed?.state !== 'sent'; i++) {
        await b.services.sends.tick();
        await team.sandbox.processNow();
        await b.services.sends.refresh({});
        followed = (await b.services.sends.list({ limit: 10 })).find((s) => s.id === send.id) as Send | undefined;
        if (followed?.state !== 'sent') await sleep(200);
      }
    } finally {
      await b.close();
    }
    expect(followed?.state).toBe('sent');
    expect(followed?.timeline[0].message).toMatch(/the server has it, so this workstation follows the send/);
    expect(followed?.timeline[0].text?.id).toBe('sends.step.adopted');

    // A comes back: it learns the send is another's now and uploads nothing.
    const a2 = await team.open('a');
    try {
      await a2.services.sends.tick();
      const mine = await a2.services.sends.get({ id: send.id });
      expect(mine.state).toBe('error');
      expect(mine.timeline.at(-1)?.message).toMatch(/took this send over/);
      // Both sides keep the sentence as a catalog key, so each window reads it in its language.
      expect(mine.error?.text).toMatchObject({ id: 'sends.step.takenOver', values: { state: expect.any(String) } });
      expect(mine.timeline.at(-1)?.text?.id).toBe('sends.step.takenOver');
    } finally {
      await a2.close();
    }
    const row = (await db.query('SELECT state, active FROM team_sends WHERE id = $1', [send.id])).rows[0];
    await db.end();
    expect(row).toEqual({ state: 'sent', active: false });
    const log = readFileSync(join(c.localDir, 'logs', send.fileName.replace(/\.csv$/, '.log')), 'utf8');
    expect(log.split('\n').filter((l) => l.split(/[;,]/)[1]?.replace(/"/g, '') === 'received')).toHaveLength(1);
    expect(readdirSync(uploadDir)).toEqual([]);
  });
});
