import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import type { Send } from '../../../shared/contract/sends';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { formatWallClock, wallClockAt } from '../../../shared/zoned-time';
import { startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

/**
 * Team mode: A's send is held before its upload (the server already has a file under its own
 * name that may be this very send: own-name-check.ts). The team's state of the send stays where it
 * was (`uploading`: it only moves forward), but the other workstations see that the send is held,
 * why (A's step), and that it waits for an answer on A; after A answers they see the outcome.
 */

/**
 * Creates a real send on `context` due in 1.5 s, puts a log of another upload under the send's own
 * name on the server (taken after the send was due, so it may be this very send), and runs two
 * scheduler passes: the send is held, and the mirror has told the team.
 */
async function heldOn(team: TeamSetup, context: AppContext, sourceMailingId: string, foreignMailingId: string): Promise<Send> {
  const inspection = await valueIn<{ mapping: unknown[] }>(context, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
  const created = await valueIn<Send>(context, 'sends.create', {
    profile: 'team', client: team.client.name, path: team.recipients, sourceMailingId, mapping: inspection.mapping,
    scheduledAt: new Date(Date.now() + 1_500).toISOString(),
  });
  const now = formatWallClock(wallClockAt(Date.now(), ''));
  writeFileSync(join(team.client.localDir, 'logs', created.fileName.replace(/\.csv$/, '.log')), `timestamp;event;file;mailingId;records;message\n${now};received;${created.fileName};;;\n${now};mailing_created;${created.fileName};${foreignMailingId};2;\n`);
  await new Promise((r) => setTimeout(r, 1_600));
  await context.services.sends.tick();
  await context.services.sends.tick(); // the mirror tells the team
  return created;
}

describe('team mode: a send held on A for its own name, as B sees it', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext | undefined;
  let b: AppContext | undefined;

  const teamRow = async (id: string) => (await admin.query<{ state: string; active: boolean }>('SELECT state, active FROM team_sends WHERE id = $1', [id])).rows[0];
  /** `loopdesk …args` on B's data dir (B's app closed meanwhile): its exit code and what it printed. */
  const cliB = async (...args: string[]) => {
    const out: string[] = [];
    const code = await main(['--lang', 'en', '--data-dir', team.dataDirs.b, ...args], { out: (t: string) => out.push(t), err: (t: string) => out.push(t) } as never, team.env);
    return { code, out: out.join('\n') };
  };

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'held-send' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await team?.stop();
  });

  it("B sees that A's send is held, A's reason, and that only A can answer; then the answer A gave", async () => {
    a = await team.open('a');
    const created = await heldOn(team, a, team.client.mailingIds[0], '99999999997');
    const heldOnA = await valueIn<Send>(a, 'sends.get', { id: created.id });
    expect(heldOnA).toMatchObject({ state: 'queued', held: { file: created.fileName } });
    // The team's state never moves back: it stays where A's upload began.
    expect(await teamRow(created.id)).toMatchObject({ state: 'uploading', active: true });

    b = await team.open('b');
    const seen = await valueIn<Send>(b, 'sends.get', { id: created.id });
    expect(seen.origin).toMatchObject({ name: 'a', mine: false });
    expect(seen.state).toBe('uploading');
    expect(seen.held).toEqual({ file: created.fileName, since: heldOnA.held!.since, workstation: 'a' });
    // A's step, worded for B: A's operator decides, not "you".
    expect(seen.timeline.at(-1)).toMatchObject({ state: 'queued', text: { id: 'sends.step.heldOwnName.elsewhere', values: { file: created.fileName, by: 'a' } } });
    expect(seen.timeline.at(-1)?.workstation).toBe('a');
    expect(seen.timeline.at(-1)?.message).toMatch(/Nothing is uploaded until the operator at workstation a decides whether that file is this send\.$/);
    const listed = (await valueIn<Send[]>(b, 'sends.list', {})).find((s) => s.id === created.id);
    expect(listed?.held).toMatchObject({ file: created.fileName, workstation: 'a' });
    await b.close();
    b = undefined;

    // `loopdesk status` on B: held, A's send, and (for the one send) A's step that says why.
    const all = await cliB('status');
    expect(all.out.split('\n').find((l) => l.startsWith(created.id))).toMatch(/\tHeld\t.*from a/);
    const one = await cliB('status', created.id);
    expect(one.out.split('\n')[0]).toMatch(/\tHeld\t.*from a/);
    expect(one.out).toContain(`Held before the upload: the server already has ${created.fileName}`);
    expect(one.out).toContain('the data folder of workstation a');
    expect(one.out).not.toContain('until you decide');

    // B cannot answer for A (A keeps the send's files): the command says where to answer, and nothing changes.
    const elsewhere = await cliB('send', 'resolve', created.id, '--is-this-send');
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.out).toContain(`Send ${created.id} is held on workstation a, not on this one.`);
    expect(await valueIn<Send>(a, 'sends.get', { id: created.id })).toMatchObject({ state: 'queued', held: { file: created.fileName } });

    // A's operator answers: the server's file is this send.
    const followed = await valueIn<Send>(a, 'sends.resolveHold', { id: created.id, choice: 'isThisSend' });
    expect(followed.state).toBe('on_server');
    await a.services.sends.tick();
    b = await team.open('b');
    const answered = await valueIn<Send>(b, 'sends.get', { id: created.id });
    expect(answered.held).toBeNull();
    // A follows the server's file (the tick read its log on: the mailing it already sent).
    expect(answered).toMatchObject({ state: 'mailing_created', mailingId: '99999999997' });
    const ids = answered.timeline.map((e) => e.text?.id);
    const answer = answered.timeline[ids.indexOf('sends.step.heldOwnName.elsewhere') + 1];
    expect(answer).toMatchObject({ state: 'on_server', text: { id: 'sends.step.heldIsThisSend.elsewhere', values: { file: created.fileName, by: 'a' } } });
    // On B it was A's operator who answered, in either language.
    expect(answer.message).toBe(`The operator at workstation a confirmed that ${created.fileName} on the server is this send: Loopdesk follows it there and uploads nothing again.`);
    expect(appIntl('de').formatMessage({ id: answer.text!.id as MessageId }, answer.text!.values)).toBe(
      `Auf dem Arbeitsplatz a wurde bestätigt, dass ${created.fileName} auf dem Server dieser Versand ist: Loopdesk verfolgt ihn dort und lädt nichts erneut hoch.`,
    );
    // Every step once: the hold and the answer, each written a single time.
    expect(answered.timeline.filter((e) => e.text?.id?.startsWith('sends.step.heldOwnName'))).toHaveLength(1);
    // On A, its own operator answered: "you".
    const own = (await valueIn<Send>(a, 'sends.get', { id: created.id })).timeline.find((e) => e.text?.id === 'sends.step.heldIsThisSend');
    expect(own?.message).toBe(`You confirmed that ${created.fileName} on the server is this send: Loopdesk follows it there and uploads nothing again.`);
  });
});

/**
 * A held send's team state is `uploading` with no lease. While its owner is away (closed longer
 * than a workstation counts as gone), the others must not take it over and reconcile it from the
 * server: a file under its name is exactly what the hold is about (this send, or another sender's),
 * and only its owner's operator can answer that. The hold waits for A; when A answers "not this
 * send", A uploads it under the next free name, and B sees that too.
 */
describe('team mode: a held send while its workstation is away', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext | undefined;
  let b: AppContext | undefined;

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'held-away', env: { LOOPDESK_TEAM_LEASE_MS: '1000' } });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await team?.stop();
  });

  it('B neither adopts nor ends it; A answers when it is back, and B sees the upload under the new name', async () => {
    a = await team.open('a');
    const created = await heldOn(team, a, team.client.mailingIds[1], '99999999996');
    expect(await valueIn<Send>(a, 'sends.get', { id: created.id })).toMatchObject({ state: 'queued', held: { file: created.fileName } });
    await a.close();
    a = undefined;

    // A is away for longer than the team waits for a workstation it no longer sees.
    await new Promise((r) => setTimeout(r, 2_500));
    b = await team.open('b');
    for (let i = 0; i < 3; i++) {
      await b.services.sends.tick();
      await new Promise((r) => setTimeout(r, 300));
    }
    const row = (await admin.query<{ state: string; active: boolean; workstation: string; lease_holder: string | null }>('SELECT state, active, workstation, lease_holder FROM team_sends WHERE id = $1', [created.id])).rows[0];
    const aId = (await admin.query<{ id: string }>("SELECT id FROM team_workstations WHERE name = 'a'")).rows[0].id;
    expect(row).toMatchObject({ state: 'uploading', active: true, workstation: aId, lease_holder: null });
    const seen = await valueIn<Send>(b, 'sends.get', { id: created.id });
    expect(seen).toMatchObject({ origin: { mine: false }, held: { file: created.fileName, workstation: 'a' } });

    // A is back and answers: another sender's file. It uploads under the next free name.
    a = await team.open('a');
    const answered = await valueIn<Send>(a, 'sends.resolveHold', { id: created.id, choice: 'notThisSend' });
    expect(answered.held).toBeNull();
    await a.services.sends.tick();
    await a.services.sends.tick();
    const uploaded = await valueIn<Send>(a, 'sends.get', { id: created.id });
    expect(uploaded.state).toBe('on_server');
    expect(uploaded.fileName).not.toBe(created.fileName);
    const after = await valueIn<Send>(b, 'sends.get', { id: created.id });
    expect(after.held).toBeNull();
    const ids = after.timeline.map((e) => e.text?.id);
    expect(ids.slice(ids.indexOf('sends.step.heldOwnName.elsewhere'))).toEqual(['sends.step.heldOwnName.elsewhere', 'sends.step.heldNotThisSend.elsewhere', 'sends.step.uploading', 'sends.step.renamed', 'sends.step.onServer']);
    const notThis = after.timeline[ids.indexOf('sends.step.heldNotThisSend.elsewhere')];
    expect(notThis.message).toBe(`The operator at workstation a confirmed that ${created.fileName} on the server is not this send: this send is uploaded under the next free name.`);
    expect(appIntl('de').formatMessage({ id: notThis.text!.id as MessageId }, notThis.text!.values)).toBe(
      `Auf dem Arbeitsplatz a wurde bestätigt, dass ${created.fileName} auf dem Server nicht dieser Versand ist: Dieser Versand wird unter dem nächsten freien Namen hochgeladen.`,
    );
    expect(after).toMatchObject({ state: 'on_server', fileName: uploaded.fileName });
  });
});
