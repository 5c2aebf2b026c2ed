import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import type { Send } from '../../../shared/contract/sends';
import { callIn, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

/**
 * Team mode, never a mailing sent twice: workstation A's data dir is restored from a backup taken
 * while a real send was still scheduled; the send went out since, and the team database knows it.
 * After the restore A uploads nothing: the team's state of the send wins, and A's own record
 * follows it (as A's, not as a send another workstation took over).
 */
describe('team mode: a data dir restored from a backup taken while a real send was scheduled', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext | undefined;

  const logs = () => readdirSync(join(team.client.localDir, 'logs')).filter((n) => /^\d{14}_subscribers\.log$/.test(n));
  const teamRow = async (id: string) =>
    (await admin.query<{ state: string; active: boolean; mailing_id: string | null; workstation: string }>('SELECT state, active, mailing_id, workstation FROM team_sends WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    team = await startTeam(['a'], { seed: 'restored-send' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    await a?.close();
    await admin?.end();
    await team?.stop();
  });

  it('A uploads nothing again, and its record follows the team to the mailing it sent', async () => {
    a = await team.open('a');
    const inspection = await valueIn<{ mapping: unknown[] }>(a, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
    const created = await valueIn<Send>(a, 'sends.create', {
      profile: 'team', client: team.client.name, path: team.recipients, sourceMailingId: team.client.mailingIds[0], mapping: inspection.mapping,
      scheduledAt: new Date(Date.now() + 3_000).toISOString(),
    });
    expect(created.state).toBe('scheduled');
    await a.services.sends.tick(); // the claim is told to the team
    await a.close();
    const backup = join(team.dir, 'a-backup');
    cpSync(team.dataDirs.a, backup, { recursive: true });

    a = await team.open('a');
    while ((await valueIn<Send>(a, 'sends.get', { id: created.id })).state === 'scheduled') {
      await new Promise((r) => setTimeout(r, 250));
      await a.services.sends.tick();
    }
    await team.sandbox.processNow();
    const [sent] = await valueIn<Send[]>(a, 'sends.refresh', { id: created.id });
    expect(sent).toMatchObject({ state: 'sent' });
    await a.services.sends.tick(); // the mirror tells the team
    await expect.poll(async () => (await teamRow(created.id)).state, { timeout: 10_000 }).toBe('sent');
    expect(logs()).toHaveLength(1);
    await a.close();

    // The restore: A's data dir as the backup has it.
    for (const name of readdirSync(team.dataDirs.a)) rmSync(join(team.dataDirs.a, name), { recursive: true, force: true });
    cpSync(backup, team.dataDirs.a, { recursive: true });
    a = await team.open('a');
    expect((await valueIn<Send>(a, 'sends.get', { id: created.id })).state).toBe('scheduled');
    await a.services.sends.tick();
    await team.sandbox.processNow();
    await a.services.sends.tick();

    expect(logs()).toHaveLength(1);
    expect(readdirSync(join(team.client.localDir, 'upload'))).toEqual([]);
    const after = await valueIn<Send>(a, 'sends.get', { id: created.id });
    expect(after).toMatchObject({ state: 'sent', mailingId: sent.mailingId, fileName: sent.fileName, error: null });
    expect(after.timeline.at(-1)?.text?.id).toBe('sends.step.teamAhead');
    // Still A's send for the team, finished, nothing moved back.
    expect(await teamRow(created.id)).toMatchObject({ state: 'sent', active: false, mailing_id: sent.mailingId });
    expect((await callIn<Send>(a, 'sends.cancel', { id: created.id })).ok).toBe(false);
  });
});
