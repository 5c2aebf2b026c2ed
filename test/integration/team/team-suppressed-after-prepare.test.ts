import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import type { Send } from '../../../shared/contract/sends';
import { startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: an address another workstation suppresses after a send was prepared', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext;
  let b: AppContext;

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'supup' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    a = await team.open('a');
    b = await team.open('b');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await team?.stop();
  });

  it('is left out of A’s scheduled upload: A pulls the team’s list right before it uploads', async () => {
    // A prepares a scheduled real send to a@example.com and c@example.com.
    const inspection = await valueIn<{ mapping: unknown[] }>(a, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
    const send = await valueIn<Send>(a, 'sends.create', {
      profile: 'team',
      client: team.client.name,
      path: team.recipients,
      sourceMailingId: team.client.mailingIds[0],
      mapping: inspection.mapping,
      scheduledAt: new Date(Date.now() + 2_000).toISOString(),
    });
    expect(send).toMatchObject({ state: 'scheduled', recipients: 2 });

    // Meanwhile an operator on B suppresses c@example.com; it reaches the team's list, not yet A's file.
    const list = join(team.dir, 'b-unsubscribed.csv');
    writeFileSync(list, 'Email\nc@example.com\n');
    await valueIn(b, 'responses.suppressionImport', { path: list, reason: 'unsubscribed by phone' });
    for (let i = 0; i < 100; i++) {
      if ((await admin.query("SELECT 1 FROM team_suppression WHERE email = 'c@example.com' AND NOT removed")).rowCount) break;
      await sleep(50);
    }
    expect((await admin.query("SELECT changed_by_name FROM team_suppression WHERE email = 'c@example.com'")).rows[0]).toMatchObject({ changed_by_name: 'b' });
    expect(await a.db.all("SELECT email FROM suppression WHERE email = 'c@example.com'")).toEqual([]);

    // The scheduled time passes; A's scheduler pass uploads.
    await sleep(Math.max(0, new Date(send.scheduledAt).getTime() - Date.now() + 100));
    await a.services.sends.tick();
    const after = await a.services.sends.get({ id: send.id });
    expect(after).toMatchObject({ state: 'on_server', recipients: 1, excluded: 1 });
    const uploaded = readFileSync(join(team.client.localDir, 'upload', after.fileName), 'utf8');
    expect(uploaded).toContain('"a@example.com"');
    expect(uploaded).not.toContain('c@example.com');
    expect(readdirSync(join(team.client.localDir, 'upload'))).toEqual([after.fileName]);
    expect(after.timeline.find((t) => t.text?.id === 'sends.step.suppressedAtUpload')?.text?.values).toMatchObject({ count: 1, kept: 1 });
    const rejected = readFileSync(join(team.dataDirs.a, 'rejected', `send-${send.id}-rejected.csv`), 'utf8');
    expect(rejected).toContain('"c@example.com was put on the suppression list after the send was prepared (unsubscribed by phone)";"c@example.com"');
  });
});
