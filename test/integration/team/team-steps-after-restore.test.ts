import { copyFileSync, cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { said, SendJournal } from '../../../main/services/sends/send-journal';
import { createStateMirror } from '../../../main/services/sends/team-state-mirror';
import { readTeamSetting, teamStoreFor } from '../../../main/services/team/team-settings';
import type { TeamStore } from '../../../main/services/team/team-store';
import type { MessageId } from '../../../shared/i18n/messages';
import type { Send, SendState } from '../../../shared/contract/sends';
import { createTeamSend, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A workstation's data file restored from an older backup has a shorter timeline of a send than
 * the team was told. The steps it takes from then on must still reach the team: each once, in
 * order, with the time it was taken (not the time it arrived).
 */
describe('team mode: steps taken after the data file was restored from an older backup', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext | undefined;
  let b: AppContext;

  /** The team's row of a send: its state and where its told cursor stands. */
  const teamRow = async (id: string) => (await admin.query<{ state: string; told_steps: number | null }>('SELECT state, told_steps FROM team_sends WHERE id = $1', [id])).rows[0];
  /** How many steps of the send the team journal holds. */
  const teamSteps = async (id: string) => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM team_send_events WHERE send_id = $1', [id])).rows[0].n);
  /** Takes one step of A's send as the send path does (one journal transaction); returns its local time. */
  const step = async (context: AppContext, id: string, state: SendState, messageId: MessageId, values: Record<string, string | number> = {}, patch: { mailingId?: string } = {}) => {
    const journal = new SendJournal(context.db);
    await journal.update(id, { state, ...patch }, { state, ...said(messageId, values) });
    return (await journal.timeline(id)).at(-1)!.at;
  };
  /** What a workstation shows of a send. */
  const show = (context: AppContext, id: string) => valueIn<Send>(context, 'sends.get', { id });
  /** A's team database connection, as its app makes it from its settings. */
  const storeOf = (context: AppContext) => {
    const store = teamStoreFor(readTeamSetting(context.settings)!, team.env, undefined);
    stores.push(store);
    return store;
  };
  /**
   * Tells the team A's steps as its send path does after each one (a new mirror per opening of
   * the data file, as after a restart), and waits until the push is done.
   */
  const tell = async (context: AppContext, id: string) => {
    const journal = new SendJournal(context.db);
    const mirror = createStateMirror(storeOf(context), journal);
    mirror.changed(await journal.get(id));
    await mirror.flush();
  };
  const stores: TeamStore[] = [];

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'restore' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    b = await team.open('b');
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await a?.close();
    await b?.close();
    await admin?.end();
    await team?.stop();
  });

  it('B sees every step A takes after the restore once, in order, with its own time; none it already had again', async () => {
    a = await team.open('a');
    const created = await createTeamSend(team, a, team.client.mailingIds[0]);
    expect(created.ok).toBe(true);
    const send = (created as { ok: true; value: Send }).value;
    expect(send.state).toBe('queued');
    const at = new Map<string, string>();
    at.set('sends.step.uploading', await step(a, send.id, 'uploading', 'sends.step.uploading'));
    await tell(a, send.id);
    expect(await teamSteps(send.id)).toBe(2);
    await a.close();
    a = undefined;

    // The backup: a copy of A's data dir as it stands now (two local steps, both told).
    const backup = join(team.dir, 'a-backup');
    cpSync(team.dataDirs.a, backup, { recursive: true });

    // A goes on: three more steps, told to the team.
    a = await team.open('a');
    at.set('sends.step.onServer', await step(a, send.id, 'on_server', 'sends.step.onServer', { file: send.fileName }));
    at.set('sends.step.taken', await step(a, send.id, 'taken', 'sends.step.taken'));
    at.set('sends.step.importedAll', await step(a, send.id, 'imported', 'sends.step.importedAll'));
    await tell(a, send.id);
    expect(await teamSteps(send.id)).toBe(5);
    expect(await teamRow(send.id)).toMatchObject({ state: 'imported', told_steps: 5 });
    await a.close();
    a = undefined;

    // A's data file is replaced by the backup's: its timeline of the send is two steps again.
    for (const name of readdirSync(team.dataDirs.a).filter((n) => n.startsWith('loopdesk.duckdb'))) rmSync(join(team.dataDirs.a, name));
    for (const name of readdirSync(backup).filter((n) => n.startsWith('loopdesk.duckdb'))) copyFileSync(join(backup, name), join(team.dataDirs.a, name));
    expect(existsSync(join(team.dataDirs.a, 'loopdesk.duckdb'))).toBe(true);
    a = await team.open('a');
    expect((await show(a, send.id)).timeline).toHaveLength(2);

    // A takes new steps: the server's "taken" once more (the team has it, and is past it), then
    // three the team lacks. They reach the team a while after they were taken.
    await step(a, send.id, 'taken', 'sends.step.taken');
    at.set('sends.step.mailingCreated', await step(a, send.id, 'mailing_created', 'sends.step.mailingCreated', { mailingId: 'M-77' }, { mailingId: 'M-77' }));
    at.set('sends.step.sendingStarted', await step(a, send.id, 'sending', 'sends.step.sendingStarted'));
    at.set('sends.step.sendingFinished', await step(a, send.id, 'sent', 'sends.step.sendingFinished'));
    await sleep(300);
    await tell(a, send.id);
    await tell(a, send.id); // told again (a lost answer, the next pass): nothing twice

    // B's view of A's send: every step once, in order, each with the time A took it.
    const seen = await show(b, send.id);
    expect(seen.origin?.mine).toBe(false);
    expect(seen.state).toBe('sent');
    expect(seen.mailingId).toBe('M-77');
    expect(seen.timeline.map((t) => t.text?.id)).toEqual([
      'team.event.claimed',
      'sends.step.uploading',
      'sends.step.onServer',
      'sends.step.taken',
      'sends.step.importedAll',
      'sends.step.mailingCreated',
      'sends.step.sendingStarted',
      'sends.step.sendingFinished',
    ]);
    for (const t of seen.timeline.slice(1)) expect({ step: t.text?.id, at: t.at }).toEqual({ step: t.text?.id, at: at.get(t.text!.id) });
    // The send is finished for the team: its source mailing is free again.
    expect((await admin.query<{ active: boolean }>('SELECT active FROM team_sends WHERE id = $1', [send.id])).rows[0].active).toBe(false);
  });

});
