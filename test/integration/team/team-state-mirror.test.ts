import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { TEAM_CHANNEL } from '../../../main/services/team/team-store';
import { SEND_STATES, type Send } from '../../../shared/contract/sends';
import { createTeamSend, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `check` until it holds or `ms` passed (NOTIFY and the team's background work can lag on a loaded machine). */
async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await sleep(50);
}

describe('team mode: the state mirror tells the team every step, forward only, each once', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext;
  let b: AppContext;
  /** Every state the team announced, per send, in order (what other workstations saw, moment by moment). */
  const announced = new Map<string, string[]>();

  /** The shared journal of a send: state and catalog key of each step, in order. */
  const teamSteps = async (id: string) =>
    (await admin.query<{ state: string; message_id: string | null; message: string }>('SELECT state, message_id, message FROM team_send_events WHERE send_id = $1 ORDER BY id', [id])).rows;
  /** Runs A until the send is `state` (the sandbox processing in between). */
  const runUntil = async (context: AppContext, id: string, state: string) => {
    let send = await context.services.sends.get({ id });
    for (let i = 0; i < 30 && send.state !== state; i++) {
      await context.services.sends.tick();
      await team.sandbox.processNow();
      await context.services.sends.refresh({});
      send = await context.services.sends.get({ id });
    }
    return send;
  };
  /** No state is ever followed by an earlier one (the life order of SEND_STATES). */
  const expectForwardOnly = (states: readonly string[]) => {
    const order = states.map((s) => SEND_STATES.indexOf(s as never));
    expect(order.every((n, i) => n >= 0 && (i === 0 || n >= order[i - 1])), states.join(' → ')).toBe(true);
  };
  const expectEachOnce = (messages: readonly string[]) => expect(messages.filter((m, i) => messages.indexOf(m) !== i), messages.join(' | ')).toEqual([]);

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'mirror', client: { fourEyes: true } });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    admin.on('notification', (n) => {
      const { sendId, state } = JSON.parse(n.payload ?? '{}') as { sendId: string; state: string };
      announced.set(sendId, [...(announced.get(sendId) ?? []), state]);
    });
    await admin.query(`LISTEN ${TEAM_CHANNEL}`);
    b = await team.open('b');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await team?.stop();
  });

  it('a new process of A after B approved never moves the team’s send back; B sees each step once; it uploads once', async () => {
    a = await team.open('a');
    const created = await createTeamSend(team, a, team.client.mailingIds[0]);
    const send = (created as { ok: true; value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    await a.services.sends.tick();
    await a.close();

    // B approves while A's process is gone; a new process of A (a CLI command, a restart) starts
    // with the send still awaiting approval in A's own journal.
    await valueIn<Send>(b, 'sends.approve', { id: send.id });
    a = await team.open('a');
    const mine = await runUntil(a, send.id, 'sent');
    expect(mine.state).toBe('sent');
    await a.services.sends.tick(); // the final state reaches the team at the next pass at the latest
    await until(() => announced.get(send.id)?.at(-1) === 'sent');

    // Never back to awaiting approval, not even for a moment.
    expect(announced.get(send.id)?.at(-1)).toBe('sent');
    expectForwardOnly(announced.get(send.id) ?? []);
    const steps = await teamSteps(send.id);
    expectForwardOnly(steps.map((s) => s.state));
    expect(steps.filter((s) => s.message_id === 'team.event.approved')).toHaveLength(1);
    expect(steps.filter((s) => s.state === 'awaiting_approval')).toHaveLength(1);
    // B's timeline of A's send: each step once.
    const seen = await valueIn<Send>(b, 'sends.get', { id: send.id });
    expect(seen.state).toBe('sent');
    expectEachOnce(seen.timeline.map((t) => t.message));
    expect(seen.timeline.filter((t) => t.message === 'Approved by b.')).toHaveLength(1);
    // Uploaded exactly once.
    expect(mine.timeline.filter((t) => t.text?.id === 'sends.step.uploading')).toHaveLength(1);
    expect(mine.timeline.filter((t) => t.text?.id === 'sends.step.uploadingAgain')).toHaveLength(0);
    expect(readdirSync(join(team.client.localDir, 'logs')).filter((n) => n.startsWith(mine.fileName.slice(0, 14)) && n.endsWith('.log'))).toHaveLength(1);
  });

  it('steps taken while the team cannot be told (rows left out at upload, then a new state) all reach it once it can, in order, each once', async () => {
    a ??= await team.open('a');
    const created = await createTeamSend(team, a, team.client.mailingIds[1]);
    const send = (created as { ok: true; value: Send }).value;
    // B suppresses one of its two addresses after A prepared it, and approves the send.
    const list = join(team.dir, 'b-unsubscribed.csv');
    writeFileSync(list, 'Email\nc@example.com\n');
    await valueIn(b, 'responses.suppressionImport', { path: list, reason: 'unsubscribed by phone' });
    await until(async () => Boolean((await admin.query("SELECT 1 FROM team_suppression WHERE email = 'c@example.com' AND NOT removed")).rowCount));
    await valueIn<Send>(b, 'sends.approve', { id: send.id });

    // The team takes no step of A's now (as when its database is away for them); leases and the
    // suppression list still work, so A uploads: one step changes only the counts, the next the state.
    await admin.query(`CREATE FUNCTION mirror_away() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'team database away'; END $$`);
    await admin.query('CREATE TRIGGER mirror_away BEFORE INSERT ON team_send_events FOR EACH ROW EXECUTE FUNCTION mirror_away()');
    try {
      await a.services.sends.tick();
      const after = await a.services.sends.get({ id: send.id });
      expect(after).toMatchObject({ state: 'on_server', recipients: 1, excluded: 1 });
      expect(after.timeline.map((t) => t.text?.id)).toEqual(expect.arrayContaining(['sends.step.suppressedAtUpload', 'sends.step.onServer']));
      expect((await teamSteps(send.id)).map((s) => s.message_id)).not.toContain('sends.step.suppressedAtUpload');
      await a.services.sends.tick(); // told again, refused again: nothing is lost meanwhile
    } finally {
      await admin.query('DROP TRIGGER mirror_away ON team_send_events');
      await admin.query('DROP FUNCTION mirror_away()');
    }

    // The team can be told again: the next pass tells every step it lacks, in order.
    await a.services.sends.tick();
    await a.services.sends.tick();
    const ids = (await teamSteps(send.id)).map((s) => s.message_id);
    const left = ids.indexOf('sends.step.suppressedAtUpload');
    expect(left, ids.join(' ')).toBeGreaterThan(ids.indexOf('team.event.approved'));
    expect(ids.indexOf('sends.step.onServer')).toBeGreaterThan(left);
    expect(ids.filter((id) => id === 'sends.step.suppressedAtUpload')).toHaveLength(1);
    expect(ids.filter((id) => id === 'sends.step.onServer')).toHaveLength(1);
    expectForwardOnly((await teamSteps(send.id)).map((s) => s.state));
    expect((await admin.query('SELECT state, recipients, excluded FROM team_sends WHERE id = $1', [send.id])).rows[0]).toMatchObject({ recipients: 1, excluded: 1 });
    const seen = await valueIn<Send>(b, 'sends.get', { id: send.id });
    expect(seen.timeline.filter((t) => t.text?.id === 'sends.step.suppressedAtUpload')).toHaveLength(1);
    expectEachOnce(seen.timeline.map((t) => t.message));
  });
});
