import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { openSettings } from '../../../main/services/store/settings';
import { readTeamSetting, TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { Profile, RemovedProfile } from '../../../shared/contract/profiles';
import { startSwitchRelay, type SwitchRelay } from '../../helpers/switch-relay';
import { callIn, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * Team mode (real PostgreSQL): a shared profile removed on one workstation goes from all of them,
 * each keeping its own secret in "Recently removed"; a restore on any workstation brings it back
 * everywhere, each with its own secret. A new profile of the name never gets a kept secret.
 */
describe('team mode: restoring a removed shared profile', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let a: AppContext;
  let b: AppContext;
  let c: AppContext;
  let link: SwitchRelay;
  const B_SECRET = 'B-own-wrong-Secret-0815';

  const profileIn = (context: AppContext, name: string) => valueIn<Profile[]>(context, 'profiles.list', {}).then((all) => all.find((p) => p.name === name));
  const removedIn = (context: AppContext, name = 'acme') => valueIn<RemovedProfile[]>(context, 'profiles.removed', {}).then((all) => all.filter((r) => r.name === name));
  const row = async () => (await admin.query(`SELECT removed, version, restored_from FROM team_profiles WHERE name = 'acme'`)).rows[0] as { removed: boolean; version: string; restored_from: string | null };
  /** Signs in to the sandbox with the workstation's own secret for acme: A's is right, B's is its own wrong one. */
  const signIn = (context: AppContext) => context.services.profiles.withSession('acme', async (s) => s.serverIdent);

  beforeAll(async () => {
    team = await startTeam(['a', 'b', 'c'], { seed: 'restore' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    // Workstation c reaches the team database through a link the tests can pull out.
    link = await startSwitchRelay(team.pg.port);
    const settings = openSettings(team.dataDirs.c);
    const joined = readTeamSetting(settings)!;
    settings.set(TEAM_SETTING, { ...joined, url: team.pg.url.replace(`:${team.pg.port}/`, `:${link.port}/`) });
    a = await team.open('a');
    b = await team.open('b');
    c = await team.open('c');
    for (const w of [a, b, c]) await w.services.profiles.startTeamSync();
  }, 120_000);
  afterAll(async () => {
    for (const w of [a, b, c]) await w?.close();
    await link?.stop();
    await admin?.end();
    await team?.stop();
  });

  it('removed on A: both drop it and keep their own secret; restored on B: both have it back with their own secret', async () => {
    const saved = await valueIn<Profile>(a, 'profiles.save', {
      profile: {
        name: 'acme',
        host: '127.0.0.1',
        port: team.sandbox.port,
        user: team.sandbox.user,
        auth: { kind: 'password', password: team.sandbox.password },
        trustedKeys: [team.sandbox.fingerprint],
        clients: [{ name: team.client.name, uploadDir: team.client.uploadDir, logDir: team.client.logDir, responseDir: team.client.responseDir }],
      },
    });
    expect(saved.team).toMatchObject({ shared: true, state: 'shared' });
    await until('B has acme', async () => (await profileIn(b, 'acme')) !== undefined);
    await valueIn(b, 'profiles.setSecret', { name: 'acme', secret: B_SECRET });
    expect(await signIn(a)).toMatch(/SSH/);
    await expect(signIn(b)).rejects.toMatchObject({ code: 'AUTH_FAILED' });

    expect(await valueIn(a, 'profiles.remove', { name: 'acme' })).toEqual({ removed: true });
    await until('B dropped acme', async () => (await profileIn(b, 'acme')) === undefined);
    expect(await profileIn(a, 'acme')).toBeUndefined();
    const marker = await row();
    expect(marker.removed).toBe(true);
    // Each lists it, with who removed it; each kept its own secret for it.
    expect(await removedIn(a)).toEqual([expect.objectContaining({ name: 'acme', shared: true, removedBy: 'a', removedHere: true, secretKept: true })]);
    expect(await removedIn(b)).toEqual([expect.objectContaining({ name: 'acme', shared: true, removedBy: 'a', removedHere: false, secretKept: true })]);
    // Unusable meanwhile, on both.
    for (const w of [a, b]) await expect(signIn(w)).rejects.toMatchObject({ code: 'NOT_FOUND', messageId: 'error.profiles.removed' });

    const back = await valueIn<Profile>(b, 'profiles.restore', { name: 'acme' });
    expect(back).toMatchObject({ name: 'acme', secretAvailable: true, team: { shared: true, state: 'shared', version: Number(marker.version) + 1 } });
    expect(await row()).toMatchObject({ removed: false, restored_from: marker.version });
    await until('A has acme back', async () => (await profileIn(a, 'acme')) !== undefined);
    const onA = (await profileIn(a, 'acme'))!;
    expect(onA).toMatchObject({ secretAvailable: true, team: { state: 'shared', version: Number(marker.version) + 1 } });
    expect(onA.clients.map((c) => c.name)).toEqual([team.client.name]);
    // Each signs in with its own secret again: A's right one, B's own (wrong) one, never the other's.
    expect(await signIn(a)).toMatch(/SSH/);
    await expect(signIn(b)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(await removedIn(a)).toEqual([]);
    expect(await removedIn(b)).toEqual([]);
    const log = await valueIn<{ entries: { text: { id: string } | null }[] }>(a, 'activity.list', { profile: 'acme', limit: 50 });
    expect(log.entries.map((e) => e.text?.id)).toContain('connections.activity.restoredByTeam');
  }, 60_000);

  it('a new profile of a removed name never gets a kept secret; restoring over it is refused with what to do', async () => {
    expect(await valueIn(b, 'profiles.remove', { name: 'acme' })).toEqual({ removed: true });
    await until('A dropped acme', async () => (await profileIn(a, 'acme')) === undefined);
    // A makes a new profile of the name (another server): B takes it in as new, without B's kept secret.
    await valueIn<Profile>(a, 'profiles.save', { profile: { name: 'acme', host: '10.9.8.7', user: 'other', auth: { kind: 'password', password: 'A-new-secret' } } });
    await until('B has the new acme', async () => (await profileIn(b, 'acme'))?.host === '10.9.8.7');
    expect((await row()).restored_from).toBeNull();
    expect((await profileIn(b, 'acme'))!.secretAvailable).toBe(false);
    expect((await removedIn(b)).map((r) => r.host)).toEqual(['127.0.0.1']);

    const refused = await callIn(b, 'profiles.restore', { name: 'acme' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error).toMatchObject({ code: 'ALREADY_EXISTS', messageId: 'error.profiles.restoreNameTaken' });
      expect(refused.error.message).toContain('remove the current “acme” first');
    }
    expect((await profileIn(a, 'acme'))!.host).toBe('10.9.8.7');
    expect((await row()).removed).toBe(false);
  }, 60_000);

  it('removed while the team database is away: restored there before it reached the team, nothing changes for the others; removed again and sent later, a restore elsewhere brings c its own secret back', async () => {
    await valueIn<Profile>(a, 'profiles.save', { profile: { name: 'globex', host: '127.0.0.1', user: 'g', auth: { kind: 'password' } } });
    await until('c has globex', async () => (await profileIn(c, 'globex'))?.team?.state === 'shared');
    await until('b has globex', async () => (await profileIn(b, 'globex')) !== undefined);
    await valueIn(c, 'profiles.setSecret', { name: 'globex', secret: 'C-own-Secret' });
    const version = (await profileIn(c, 'globex'))!.team!.version;

    link.cut();
    expect(await valueIn(c, 'profiles.remove', { name: 'globex' })).toEqual({ removed: true });
    expect(await removedIn(c, 'globex')).toEqual([expect.objectContaining({ name: 'globex', removedBy: 'c', removedHere: true, secretKept: true })]);
    // Undone before the database answered: back as it was, the removal never leaves c.
    const back = await valueIn<Profile>(c, 'profiles.restore', { name: 'globex' });
    expect(back).toMatchObject({ secretAvailable: true, team: { version, state: 'shared' } });
    link.restore();
    await c.services.profiles.syncTeam();
    expect((await admin.query(`SELECT removed, version FROM team_profiles WHERE name = 'globex'`)).rows[0]).toEqual({ removed: false, version: String(version) });
    expect(await profileIn(b, 'globex')).toBeDefined();

    // Removed away again, and sent when the database answers: b drops it; b's restore brings it back on c with c's own secret.
    link.cut();
    expect(await valueIn(c, 'profiles.remove', { name: 'globex' })).toEqual({ removed: true });
    link.restore();
    await until('B dropped globex', async () => (await profileIn(b, 'globex')) === undefined, 20_000);
    expect(await removedIn(b, 'globex')).toEqual([expect.objectContaining({ name: 'globex', removedBy: 'c', removedHere: false })]);
    await valueIn<Profile>(b, 'profiles.restore', { name: 'globex' });
    await until('c has globex back', async () => (await profileIn(c, 'globex')) !== undefined, 20_000);
    expect(await profileIn(c, 'globex')).toMatchObject({ secretAvailable: true, team: { state: 'shared' } });
    expect(await removedIn(c, 'globex')).toEqual([]);
  }, 60_000);
});
