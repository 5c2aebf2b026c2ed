import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { cliText } from '../../../main/cli/cli-text';
import type { Send } from '../../../shared/contract/sends';
import { EN_MESSAGES } from '../../../shared/i18n/messages';
import { createTeamSend, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

describe("team mode: another workstation's send steps in the reader's language", () => {
  let team: TeamSetup;
  let a: AppContext;
  let b: AppContext;

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'journal-texts', client: { fourEyes: true } });
    a = await team.open('a');
    b = await team.open('b');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await team?.stop();
  });

  it('the shared journal keeps each step as its catalog key and values, so B says A’s steps in German', async () => {
    const created = await createTeamSend(team, a, team.client.mailingIds[0]);
    const send = (created as { value: Send }).value;
    expect(send.state).toBe('awaiting_approval');
    await valueIn<Send>(b, 'sends.approve', { id: send.id });
    for (let i = 0; i < 30 && (await a.services.sends.get({ id: send.id })).state !== 'sent'; i++) {
      await a.services.sends.tick();
      await team.sandbox.processNow();
      await a.services.sends.refresh({});
    }
    await a.services.sends.tick();

    // B has none of A's files: the send and its steps come from the team database.
    const seen = (await valueIn<Send[]>(b, 'sends.list', {})).find((s) => s.id === send.id)!;
    expect(seen.origin).toMatchObject({ name: 'a', mine: false });
    expect(seen.state).toBe('sent');
    const ids = seen.timeline.map((t) => t.text?.id);
    expect(ids.every((id) => id !== undefined && id in EN_MESSAGES), JSON.stringify(seen.timeline)).toBe(true);
    expect(ids).toEqual(expect.arrayContaining(['team.event.claimed', 'team.event.approved']));

    const german = cliText('de');
    const said = seen.timeline.map((t) => german.say(t.text, t.message));
    expect(said).toEqual(expect.arrayContaining(['Gestartet von a.', 'Freigegeben von b.']));
    // No step stays in English on a German screen.
    for (const [i, t] of seen.timeline.entries()) expect(said[i], t.message).not.toBe(t.message);

    // A step written before team migration 6 (no key) shows its English text.
    const admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    try {
      await admin.query("UPDATE team_send_events SET message_id = NULL, message_values = NULL WHERE send_id = $1 AND message = 'Approved by b.'", [send.id]);
    } finally {
      await admin.end();
    }
    const old = (await valueIn<Send[]>(b, 'sends.list', {})).find((s) => s.id === send.id)!.timeline.find((t) => t.message === 'Approved by b.')!;
    expect(old.text).toBeNull();
    expect(german.say(old.text, old.message)).toBe('Approved by b.');
  });
});
