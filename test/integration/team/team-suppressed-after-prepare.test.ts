import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import type { Send } from '../../../shared/contract/sends';
import { startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: an address another workstation suppresses after a send was prepared', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext;
  let b: AppContext;
  let send: Send;
  /** What B's Sends screen was told live (NOTIFY), for A's send. */
  const heardOnB: Send[] = [];

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'supup' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    a = await team.open('a');
    b = await team.open('b');
    // B's first scheduler pass starts its watch of the team's NOTIFY, as the app does.
    await b.services.sends.tick();
    b.bus.on('sends.onChanged', (s) => {
      if (s.id === send?.id) heardOnB.push(s);
    });
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
    send = await valueIn<Send>(a, 'sends.create', {
      profile: 'team',
      client: team.client.name,
      path: team.recipients,
      sourceMailingId: team.client.mailingIds[0],
      mapping: inspection.mapping,
      // Far enough ahead to be still scheduled when the claim and the team's list pull are done on a loaded machine.
      scheduledAt: new Date(Date.now() + 8_000).toISOString(),
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
    expect(after.origin).toMatchObject({ name: 'a', mine: true });
    // The step names the workstation whose disk has the rows file, so the others name it instead of showing a path they cannot open.
    expect(after.timeline.find((t) => t.text?.id === 'sends.step.suppressedAtUpload')?.text?.values).toMatchObject({
      count: 1,
      kept: 1,
      file: join(team.dataDirs.a, 'rejected', `send-${send.id}-rejected.csv`),
      fileName: `send-${send.id}-rejected.csv`,
      workstation: after.origin?.workstation,
      workstationName: 'a',
    });
    const rejected = readFileSync(join(team.dataDirs.a, 'rejected', `send-${send.id}-rejected.csv`), 'utf8');
    expect(rejected).toContain('"c@example.com was put on the suppression list after the send was prepared (unsubscribed by phone)";"c@example.com"');
  });

  it('shows B the step that left the row out (in B’s language) and the send’s new counts, live and in `loopdesk status`', async () => {
    expect(send?.id).toBeDefined();
    await a.services.sends.tick();
    // Live: the NOTIFY of A's change made B's Sends screen show the step while the send was still uploading, or later.
    for (let i = 0; i < 100 && !heardOnB.some((s) => s.timeline.some((t) => t.text?.id === 'sends.step.suppressedAtUpload')); i++) await sleep(50);
    const live = heardOnB.find((s) => s.timeline.some((t) => t.text?.id === 'sends.step.suppressedAtUpload'));
    expect(live, JSON.stringify(heardOnB.map((s) => [s.state, s.recipients, s.timeline.map((t) => t.text?.id)]))).toBeDefined();
    expect(live).toMatchObject({ recipients: 1, excluded: 1, origin: { name: 'a', mine: false } });

    // B's view of the send (none of A's files): the step with its values and the counts as they stand now.
    const seen = await valueIn<Send>(b, 'sends.get', { id: send.id });
    expect(seen).toMatchObject({ recipients: 1, excluded: 1, origin: { name: 'a', mine: false } });
    const step = seen.timeline.filter((t) => t.text?.id === 'sends.step.suppressedAtUpload');
    expect(step).toHaveLength(1);
    expect(step[0]).toMatchObject({ state: 'uploading', text: { values: { count: 1, kept: 1 } } });
    const states = seen.timeline.map((t) => t.text?.id);
    expect(states.indexOf('sends.step.suppressedAtUpload')).toBeLessThan(states.indexOf('sends.step.onServer'));

    // Counts the team lost (a send claimed before team migrations 8 to 10) are told again after A restarts, without a second step.
    const rows = async () => (await admin.query('SELECT count(*)::int AS n FROM team_send_events WHERE send_id = $1', [send.id])).rows[0].n as number;
    const before = await rows();
    await admin.query('UPDATE team_sends SET excluded = 0, told_steps = NULL, told_at = NULL WHERE id = $1', [send.id]);
    await a.close();
    a = await team.open('a');
    await a.services.sends.tick();
    expect((await admin.query('SELECT excluded FROM team_sends WHERE id = $1', [send.id])).rows[0]).toEqual({ excluded: 1 });
    expect(await rows()).toBe(before);

    // B's command line, in English and in German.
    await b.close();
    const status = async (lang: string) => {
      const out: string[] = [];
      const code = await main(['--data-dir', team.dataDirs.b, '--lang', lang, 'status', send.id], { out: (t: string) => out.push(t), err: (t: string) => out.push(t) } as never, team.env);
      expect(code, out.join('\n')).toBe(0);
      return out.join('\n');
    };
    const english = await status('en');
    expect(english).toMatch(/\t1 recipient\t/);
    // The rows file by name and the workstation that keeps it: a path on A's disk is of no use on B.
    expect(english).toContain(`uploading  1 recipient was put on the suppression list after this send was prepared and left out; 1 recipient remains. The left-out rows are in send-${send.id}-rejected.csv, kept on workstation a; open the file there.`);
    expect(english).not.toContain(team.dataDirs.a);
    const german = await status('de');
    expect(german).toMatch(/\t1 Empfänger\t/);
    expect(german).toContain(`wird hochgeladen  1 Empfänger wurde nach der Vorbereitung dieses Versands auf die Sperrliste gesetzt und ausgelassen; 1 Empfänger bleibt. Die ausgelassenen Zeilen stehen in send-${send.id}-rejected.csv auf dem Arbeitsplatz a; öffnen Sie die Datei dort.`);
    expect(german).not.toContain(team.dataDirs.a);
    b = await team.open('b');
  });
});
