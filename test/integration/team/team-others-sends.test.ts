import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { cliText, STATE_LABELS } from '../../../main/cli/cli-text';
import { main } from '../../../main/cli/main';
import { TEAM_CHANNEL } from '../../../main/services/team/team-store';
import { SEND_STATES, type Send, type SendState } from '../../../shared/contract/sends';
import type { TeamStatus } from '../../../shared/contract/team';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { createTeamSend, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

/** When the team database announced each state of a send (its NOTIFY, as a third party hears it). */
type Announced = Map<string, number>;

/**
 * The first time a workstation showed `state` or a later one, from when it was announced: a
 * fast send may move on before the other workstation reads it, which shows the newer state.
 */
function shownAfter(shown: readonly { at: number; state: string }[], state: SendState, announcedAt: number): number | undefined {
  const rank = (s: string) => SEND_STATES.indexOf(s as SendState);
  const first = shown.find((e) => e.at >= announcedAt - 5 && rank(e.state) >= rank(state));
  return first && first.at - announcedAt;
}

describe("team mode: other workstations' sends, live", () => {
  let team: TeamSetup;
  let admin: pg.Client;
  const announced: Announced = new Map();

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'others' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    admin.on('notification', (n) => {
      const notice = JSON.parse(n.payload ?? '{}') as { sendId: string; state: string };
      const key = `${notice.sendId}:${notice.state}`;
      if (!announced.has(key)) announced.set(key, Date.now());
    });
    await admin.query(`LISTEN ${TEAM_CHANNEL}`);
  });
  afterAll(async () => {
    await admin?.end();
    await team?.stop();
  });

  /** A's scheduler passes with the server processing in between, until the send is final. */
  const follow = async (a: AppContext, id: string) => {
    let send = await a.services.sends.get({ id });
    for (let i = 0; i < 30 && !['sent', 'error', 'cancelled'].includes(send.state); i++) {
      await a.services.sends.tick();
      await team.sandbox.processNow();
      await a.services.sends.refresh({});
      await new Promise((r) => setTimeout(r, 150));
      send = await a.services.sends.get({ id });
    }
    return send;
  };

  it('the Sends screen of workstation B shows a send started on A within a second, marked with A, and follows its states', async () => {
    const a = await team.open('a');
    const b = await team.open('b');
    const seen: { at: number; state: string; send: Send }[] = [];
    const off = b.bus.on('sends.onChanged', (payload) => {
      const s = payload as Send;
      seen.push({ at: Date.now(), state: s.state, send: s });
    });
    b.services.sends.startScheduler({ tickMs: 60_000 });
    try {
      await b.services.sends.tick(); // B's scheduler listens from its first pass
      const created = await createTeamSend(team, a, team.client.mailingIds[0]);
      expect(created.ok).toBe(true);
      const send = (created as { value: Send }).value;
      const final = await follow(a, send.id);
      expect(final.state).toBe('sent');
      await a.services.sends.tick();
      await new Promise((r) => setTimeout(r, 1_000));

      const ofSend = seen.filter((e) => e.send.id === send.id);
      expect(ofSend.length).toBeGreaterThan(0);
      for (const e of ofSend) expect(e.send.origin).toMatchObject({ name: 'a', mine: false });
      const delays: number[] = [];
      for (const state of ['queued', 'uploading', 'on_server', 'sent'] as const) {
        const announcedAt = announced.get(`${send.id}:${state}`);
        expect(announcedAt, `the team announced ${state}`).toBeDefined();
        const delay = shownAfter(ofSend, state, announcedAt!);
        expect(delay, `B showed ${state} within a second`).toBeLessThan(1_000);
        delays.push(delay!);
      }
      recordTeamFigure('d-live-app', {
        what: "team (d): another workstation's send state changes reach a second workstation's Sends screen (LISTEN/NOTIFY)",
        tried: `${delays.length} state changes`,
        survived: `${delays.length}, slowest after ${Math.max(...delays)} ms (limit 1000 ms)`,
        seed: '–',
      });
      // B's list has it too, with A's name and the shared timeline.
      const listed = (await valueIn<Send[]>(b, 'sends.list', {})).find((s) => s.id === send.id);
      expect(listed).toMatchObject({ state: 'sent', origin: { name: 'a', mine: false }, fileName: final.fileName });
      expect(listed!.timeline.map((t) => t.state)).toEqual(expect.arrayContaining(['queued', 'uploading', 'on_server', 'sent']));
      // A's own list marks it as A's.
      expect((await valueIn<Send[]>(a, 'sends.list', {})).find((s) => s.id === send.id)?.origin).toMatchObject({ name: 'a', mine: true });
    } finally {
      off();
      await a.close();
      await b.close();
    }
  });

  it('loopdesk status --watch on workstation B prints each state of a send started on A within a second, from A', async () => {
    const a = await team.open('a');
    const created = await createTeamSend(team, a, team.client.mailingIds[1]);
    const send = (created as { value: Send }).value;
    const lines: { at: number; text: string }[] = [];
    const io = { out: (text: string) => lines.push({ at: Date.now(), text }), err: () => undefined } as never;
    // The watch checks every 30 s by itself: only the team's NOTIFY can make it print within a second.
    const watching = main(['--data-dir', team.dataDirs.b, 'status', send.id, '--watch', '--every', '30'], io, team.env);
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(lines[0]?.text).toMatch(new RegExp(`^${send.id}\\treal\\tqueued\\t.*\\tfrom a$`));
      const final = await follow(a, send.id);
      expect(final.state).toBe('sent');
      await a.services.sends.tick();
      expect(await watching).toBe(0);
    } finally {
      await a.close();
    }
    // The lines name states by their words ("on server"), not by their ids ("on_server"): map
    // them back, or a state whose word differs from its id is only found at the next state's line.
    const english = cliText('en');
    const stateOf = new Map<string, string>(SEND_STATES.map((s) => [english.t(STATE_LABELS[s]), s]));
    const printed = lines.map((l) => ({ at: l.at, word: l.text.split('\t')[2], state: stateOf.get(l.text.split('\t')[2]) ?? '' }));
    expect(printed.filter((p) => !p.state).map((p) => p.word), 'state words status --watch printed that name no state').toEqual([]);
    const delays: number[] = [];
    for (const state of ['uploading', 'on_server', 'sent'] as const) {
      const announcedAt = announced.get(`${send.id}:${state}`);
      expect(announcedAt, `the team announced ${state}`).toBeDefined();
      const delay = shownAfter(printed, state, announcedAt!);
      expect(delay, `status --watch printed ${state} within a second`).toBeLessThan(1_000);
      delays.push(delay!);
    }
    recordTeamFigure('d-live-cli', {
      what: "team (d): another workstation's send state changes reach `loopdesk status --watch` (LISTEN/NOTIFY)",
      tried: `${delays.length} state changes`,
      survived: `${delays.length}, slowest after ${Math.max(...delays)} ms (limit 1000 ms)`,
      seed: '–',
    });
  });

  it('team.status (Settings) names the database without a password, who is active, and why it cannot connect', async () => {
    const b = await team.open('b');
    try {
      const status = await valueIn<TeamStatus>(b, 'team.status', {});
      expect(status).toMatchObject({ state: 'connected', url: team.pg.url, workstation: 'b', problem: null });
      expect(status.workstations.map((w) => `${w.name}${w.me ? ' (me)' : ''}`).sort()).toEqual(['a', 'b (me)']);
      expect(JSON.stringify(status)).not.toContain(team.pg.password);
    } finally {
      await b.close();
    }
    const wrong = await openAppContext({ dataDir: team.dataDirs.b, host: 'cli', secrets: null, env: { ...team.env, LOOPDESK_TEAM_PASSWORD: 'not-the-password' } });
    try {
      const status = await valueIn<TeamStatus>(wrong, 'team.status', {});
      expect(status).toMatchObject({ state: 'unreachable', url: team.pg.url, workstations: [], problem: { messageId: 'error.team.passwordRefused' } });
    } finally {
      await wrong.close();
    }
  });
});
