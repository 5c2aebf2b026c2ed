import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { Result } from '../../../shared/contract/result';
import type { Send } from '../../../shared/contract/sends';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { callIn as call, createTeamSend, startTeam, valueIn as value, type TeamSetup } from '../../helpers/team-setup';

describe('team mode: four-eyes approval of real sends', () => {
  let team: TeamSetup;
  let a: AppContext;
  let b: AppContext;
  let admin: pg.Client;

  const client = () => team.client;
  /** Every file name the sandbox has in the client's upload and log folders (what reached the server). */
  const onServer = () => [...readdirSync(join(client().localDir, 'upload')), ...(existsSync(join(client().localDir, 'logs')) ? readdirSync(join(client().localDir, 'logs')) : [])];
  const create = (context: AppContext, mailing: string, test = false): Promise<Result<Send>> => createTeamSend(team, context, mailing, test);
  /** Scheduler passes of workstation A with the server processing in between. */
  const passes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await a.services.sends.tick();
      await team.sandbox.processNow();
      await a.services.sends.refresh({});
    }
  };
  const activity = async (context: AppContext) => (await value<{ entries: ActivityEntry[] }>(context, 'activity.list', { limit: 50 })).entries;

  beforeAll(async () => {
    team = await startTeam(['a', 'b', 'solo'], { alone: ['solo'], seed: 'four-eyes', client: { fourEyes: true, testRecipients: [{ email: 'qa@example.com', name: 'QA' }] } });
    a = await team.open('a');
    b = await team.open('b');
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await a?.close();
    await b?.close();
    await team?.stop();
  });

  it('a real send waits for another member: nothing uploads before approval, self-approval is refused, the approval is journalled and logged', async () => {
    const created = await create(a, client().mailingIds[0]);
    expect(created.ok).toBe(true);
    const send = (created as { value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    expect(send.origin).toEqual({ workstation: expect.any(String), name: 'a', mine: true });

    await passes(3);
    expect((await a.services.sends.get({ id: send.id })).state).toBe('awaiting_approval');
    expect(onServer()).toEqual([]);

    // The member who started it cannot approve it, nor reject it.
    const self = await call<Send>(a, 'sends.approve', { id: send.id });
    expect(self.ok ? 'approved' : self.error.code).toBe('FORBIDDEN');
    expect(self.ok ? '' : self.error.messageId).toBe('error.team.selfApproval');
    const selfReject = await call<Send>(a, 'sends.reject', { id: send.id, reason: 'mine' });
    expect(selfReject.ok ? 'rejected' : selfReject.error.code).toBe('FORBIDDEN');
    // The database refuses it too, whatever a client does.
    await expect(admin.query("UPDATE team_sends SET decided_by = started_by WHERE id = $1", [send.id])).rejects.toThrow(/team_sends_four_eyes/);

    // B sees it waiting, marked as A's, and approves it.
    const seen = (await value<Send[]>(b, 'sends.list', {})).find((s) => s.id === send.id);
    expect(seen).toMatchObject({ state: 'awaiting_approval', origin: { name: 'a', mine: false } });
    const approved = await value<Send>(b, 'sends.approve', { id: send.id });
    expect(approved.approval).toMatchObject({ decision: 'approved', by: 'b', reason: null });
    const twice = await call<Send>(b, 'sends.reject', { id: send.id, reason: 'too late' });
    expect(twice.ok ? 'rejected' : twice.error.code).toBe('CONFLICT');

    let mine = await a.services.sends.get({ id: send.id });
    for (let i = 0; i < 20 && mine.state !== 'sent'; i++) {
      await passes(1);
      mine = await a.services.sends.get({ id: send.id });
    }
    expect(mine.state).toBe('sent');
    expect(mine.approval).toMatchObject({ decision: 'approved', by: 'b' });
    const steps = mine.timeline.map((t) => t.state);
    expect(steps.indexOf('awaiting_approval')).toBeLessThan(steps.indexOf('uploading'));
    expect(mine.timeline.find((t) => t.message === 'Approved by b.')?.state).toMatch(/^(queued|scheduled)$/);
    expect((await activity(a)).find((e) => e.text?.id === 'team.activity.approved')?.message).toBe(`Send ${send.id} approved by b; it uploads now.`);
    expect((await activity(b)).find((e) => e.text?.id === 'team.activity.youApproved')?.text?.values).toEqual({ sendId: send.id, name: 'a' });
    await a.services.sends.tick(); // the team hears of the final state at the next pass at the latest
    const row = (await admin.query('SELECT state, decided_by_name FROM team_sends WHERE id = $1', [send.id])).rows[0];
    expect(row).toEqual({ state: 'sent', decided_by_name: 'b' });
  });

  it('a rejected send never uploads, and its reason is in the journal and the activity log', async () => {
    const before = onServer();
    const created = await create(a, client().mailingIds[1]);
    const send = (created as { value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    const rejected = await value<Send>(b, 'sends.reject', { id: send.id, reason: 'Wrong list' });
    expect(rejected).toMatchObject({ state: 'cancelled', approval: { decision: 'rejected', by: 'b', reason: 'Wrong list' } });
    // Approving after the rejection is refused: one decision per send.
    const late = await call<Send>(b, 'sends.approve', { id: send.id });
    expect(late.ok ? 'approved' : late.error.code).toBe('CONFLICT');

    await passes(4);
    const mine = await a.services.sends.get({ id: send.id });
    expect(mine.state).toBe('cancelled');
    expect(mine.timeline.some((t) => t.state === 'uploading')).toBe(false);
    expect(mine.timeline.at(-1)?.message).toBe('Rejected by b: Wrong list. It will not be uploaded.');
    expect(onServer()).toEqual(before);
    expect(onServer().some((n) => n.startsWith(send.fileName.slice(0, 14)))).toBe(false);
    expect(existsSync(join(team.dataDirs.a, 'sends', send.id))).toBe(false);
    expect((await activity(a)).find((e) => e.text?.id === 'team.activity.rejected')?.text?.values).toEqual({ sendId: send.id, name: 'b', reason: 'Wrong list' });
    // The source mailing is free again for the team.
    expect((await admin.query('SELECT active FROM team_sends WHERE id = $1', [send.id])).rows[0]).toEqual({ active: false });
    recordTeamFigure('c-four-eyes', {
      what: 'team (c): four-eyes approval against the sandbox (no upload before approval, a rejected send never uploads, the starter cannot decide, one decision per send)',
      tried: '2 real sends awaiting approval, 3 refused decisions',
      survived: '2 (approved: uploaded once after approval; rejected: never uploaded)',
      seed: '–',
    });
  });

  it('test sends never wait for approval; outside a team a four-eyes real send is refused up front', async () => {
    const test = await create(a, client().mailingIds[1], true);
    expect(test.ok ? test.value.state : test.error.code).toMatch(/^(queued|uploading|on_server)$/);
    const solo = await team.open('solo');
    try {
      const refused = await create(solo, client().mailingIds[2]);
      expect(refused.ok ? refused.value.state : refused.error.messageId).toBe('error.team.fourEyesNeedsTeam');
    } finally {
      await solo.close();
    }
  });
});
