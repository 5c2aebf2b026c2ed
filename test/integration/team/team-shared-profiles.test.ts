import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { openSettings } from '../../../main/services/store/settings';
import { readTeamSetting, TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { Profile } from '../../../shared/contract/profiles';
import { startSwitchRelay, type SwitchRelay } from '../../helpers/switch-relay';
import { callIn, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('team mode: shared profiles (client set-ups and source mailings, never a secret)', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let link: SwitchRelay;
  let a: AppContext;
  let b: AppContext;
  let c: AppContext;
  const A_SECRET = 'A-only-Secret-4711';
  const B_SECRET = 'B-only-Secret-0815';

  /** The raw team table, as any member with SELECT sees it. */
  const rawTable = async () => (await admin.query('SELECT * FROM team_profiles ORDER BY name')).rows as Record<string, unknown>[];
  const profileIn = (context: AppContext, name: string) => valueIn<Profile[]>(context, 'profiles.list', {}).then((all) => all.find((p) => p.name === name));
  const activityIds = async (context: AppContext) =>
    (await valueIn<{ entries: { text: { id: string } | null }[] }>(context, 'activity.list', { profile: 'acme', limit: 100 })).entries.map((e) => e.text?.id);
  /** `loopdesk …` on a workstation's data dir (its context must be closed). */
  const cli = async (name: string, ...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--data-dir', team.dataDirs[name], ...args], { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } as never, team.env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const mailingIds = async (context: AppContext, name: string) => ((await profileIn(context, name))?.clients[0]?.mailings ?? []).map((m) => m.id);

  beforeAll(async () => {
    team = await startTeam(['a', 'b', 'c'], { seed: 'profiles' });
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

  it('a profile added on A, and a source mailing added to it, appear on B within a second (NOTIFY), through the service layer', async () => {
    const heard: number[] = [];
    const off = b.bus.on('profiles.onTeamChange', () => heard.push(Date.now()));
    try {
      const saved = await valueIn<Profile>(a, 'profiles.save', {
        profile: {
          name: 'acme',
          host: '127.0.0.1',
          port: team.sandbox.port,
          user: team.sandbox.user,
          auth: { kind: 'password', password: A_SECRET },
          trustedKeys: [team.sandbox.fingerprint],
          clients: [{ name: team.client.name, uploadDir: team.client.uploadDir, logDir: team.client.logDir, responseDir: team.client.responseDir, testRecipients: [{ email: 'qa@example.com' }] }],
        },
      });
      // In team mode a new profile is shared by default.
      expect(saved.team).toMatchObject({ shared: true, state: 'shared', version: 1 });
      await until('B has profile acme', async () => (await profileIn(b, 'acme')) !== undefined);
      const onB = await profileIn(b, 'acme');
      expect(onB).toMatchObject({ host: '127.0.0.1', port: team.sandbox.port, user: team.sandbox.user, team: { shared: true, state: 'shared', version: 1, changedBy: 'a' }, secretAvailable: false });
      expect(onB!.clients[0].testRecipients).toEqual([{ email: 'qa@example.com', name: '' }]);

      // A source mailing, added the way the Mailings screen adds it.
      heard.length = 0;
      const started = Date.now();
      await valueIn(a, 'mailings.save', { profile: 'acme', client: team.client.name, mailing: { id: '900001', name: 'Spring sale', notes: '' } });
      await until('B shows the new source mailing', async () => (await mailingIds(b, 'acme')).includes('900001'), 3_000);
      const shownAfter = Date.now() - started;
      // The screens hear of it by the event (B never polls: only the team's NOTIFY starts its pull).
      await until('B told its screens', () => heard.length > 0, 3_000);
      expect(heard[0] - started).toBeLessThan(1_000);
      expect(shownAfter).toBeLessThan(1_000);
      const onBMailings = await valueIn<{ id: string; name: string }[]>(b, 'mailings.list', { profile: 'acme' });
      expect(onBMailings.map((m) => `${m.id} ${m.name}`)).toEqual(['900001 Spring sale']);
    } finally {
      off();
    }
  });

  it('a secret given on A never reaches the team database, and B keeps its own login and secret through every pull', async () => {
    // B signs in its own way: its own environment variable, which holds B's own password.
    team.env.B_OWN_SFTP_PASSWORD = B_SECRET;
    const current = (await profileIn(b, 'acme'))!;
    await valueIn<Profile>(b, 'profiles.save', {
      replace: true,
      profile: { name: 'acme', host: current.host, port: current.port, user: current.user, auth: { kind: 'password', passwordEnv: 'B_OWN_SFTP_PASSWORD' }, trustedKeys: current.trustedKeys, clients: current.clients, options: current.options, baseVersion: current.team!.version },
    });
    // A changes the set-up; B pulls it.
    const before = (await profileIn(a, 'acme'))!.team!.version!;
    await valueIn(a, 'mailings.save', { profile: 'acme', client: team.client.name, mailing: { id: '900002', name: 'Summer sale', notes: '' } });
    await until('B has the second mailing', async () => (await mailingIds(b, 'acme')).includes('900002'));
    const onB = (await profileIn(b, 'acme'))!;
    expect(onB.team!.version).toBeGreaterThan(before);
    expect(onB).toMatchObject({ passwordEnv: 'B_OWN_SFTP_PASSWORD', authKind: 'password', secretAvailable: true });
    // A's own login is still A's.
    expect(await profileIn(a, 'acme')).toMatchObject({ passwordEnv: null, secretAvailable: true, secretStore: 'session' });

    const raw = JSON.stringify(await rawTable());
    for (const secretOrWhere of [A_SECRET, B_SECRET, 'B_OWN_SFTP_PASSWORD', 'passwordEnv', 'secretStore', 'keyPath', 'passphrase', 'session']) {
      expect(raw, `the team table must not contain ${secretOrWhere}`).not.toContain(secretOrWhere);
    }
    expect(raw).toContain('Summer sale');
    // The database itself refuses a set-up that carries a secret, whoever writes it.
    await expect(admin.query(`INSERT INTO team_profiles (name, setup, version, updated_by, updated_by_name) VALUES ('leak', '{"password": "x"}', 1, 'x', 'x')`)).rejects.toThrow(/team_profiles_no_secret/);
  });

  it('a save based on an older version is refused with error.profiles.changedByOther; reloading takes the other change; changes made as functions both survive', async () => {
    const onA = (await profileIn(a, 'acme'))!;
    const onB = (await profileIn(b, 'acme'))!;
    expect(onA.team!.version).toBe(onB.team!.version);
    const edit = (p: Profile, patch: Partial<Profile>) => ({
      replace: true,
      profile: { name: p.name, host: p.host, port: p.port, user: p.user, auth: { kind: p.authKind }, trustedKeys: p.trustedKeys, clients: p.clients, options: p.options, baseVersion: p.team!.version, ...patch },
    });
    // Both open the form at the same version; A saves first.
    const savedA = await valueIn<Profile>(a, 'profiles.save', edit(onA, { options: { ...onA.options, pollMinutes: 3 } }));
    expect(savedA.team!.version).toBe(onA.team!.version! + 1);
    const refused = await callIn<Profile>(b, 'profiles.save', edit(onB, { options: { ...onB.options, retries: 7 } }));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'CONFLICT', messageId: 'error.profiles.changedByOther', values: { name: 'acme', by: 'a' }, details: { profile: 'acme', teamVersion: savedA.team!.version, by: 'a', removed: false } });
    expect(refused.error.message).toContain('Compare both versions, then keep yours or take theirs');
    // Nothing of B's refused edit was kept, here or in the team.
    await b.services.profiles.syncTeam();
    expect((await profileIn(b, 'acme'))!.options).toMatchObject({ pollMinutes: 3, retries: onB.options.retries });
    expect((await rawTable()).find((r) => r.name === 'acme')!.setup).toMatchObject({ options: { pollMinutes: 3, retries: onB.options.retries } });
    // Reload, then the same change goes through.
    const reloaded = await valueIn<Profile>(b, 'profiles.reload', { name: 'acme' });
    expect(reloaded.team).toMatchObject({ version: savedA.team!.version, state: 'shared' });
    const savedB = await valueIn<Profile>(b, 'profiles.save', edit(reloaded, { options: { ...reloaded.options, retries: 7 } }));
    expect(savedB.options).toMatchObject({ pollMinutes: 3, retries: 7 });

    // Source mailings added on A and B at the same moment: both are kept (the later one is applied to the newer version).
    await until('A has B’s save', async () => (await profileIn(a, 'acme'))!.team!.version === savedB.team!.version);
    await Promise.all([
      valueIn(a, 'mailings.save', { profile: 'acme', client: team.client.name, mailing: { id: '900003', name: 'From A', notes: '' } }),
      valueIn(b, 'mailings.save', { profile: 'acme', client: team.client.name, mailing: { id: '900004', name: 'From B', notes: '' } }),
    ]);
    const teamMailings = ((await rawTable()).find((r) => r.name === 'acme')!.setup as { clients: { mailings: { id: string }[] }[] }).clients[0].mailings.map((m) => m.id);
    expect(teamMailings).toEqual(expect.arrayContaining(['900003', '900004']));
  });

  it('an edit made while the team database cannot be reached is kept, marked not shared yet, and shared when it answers again', async () => {
    await until('c has acme', async () => (await mailingIds(c, 'acme')).includes('900004'));
    link.cut();
    // The Mailings screen on c still works on its own copy.
    await valueIn(c, 'mailings.save', { profile: 'acme', client: team.client.name, mailing: { id: '900005', name: 'Made offline', notes: '' } });
    const offline = (await profileIn(c, 'acme'))!;
    expect(offline.team).toMatchObject({ shared: true, state: 'pending' });
    expect(offline.clients[0].mailings.map((m) => m.id)).toContain('900005');
    expect(await mailingIds(b, 'acme')).not.toContain('900005');
    expect(await activityIds(c)).toContain('connections.activity.notSharedYet');

    link.restore();
    // No restart, no operator action: c pushes it once the database answers, and B hears of it.
    await until('B shows the mailing made offline on c', async () => (await mailingIds(b, 'acme')).includes('900005'), 20_000);
    expect((await profileIn(c, 'acme'))!.team).toMatchObject({ state: 'shared' });
    expect(await mailingIds(b, 'acme')).toEqual(expect.arrayContaining(['900001', '900002', '900003', '900004', '900005']));
  }, 40_000);

  it('a shared profile removed on A goes from every workstation, one away from the database included, and never comes back', async () => {
    await until('c is in step', async () => (await profileIn(c, 'acme'))?.team?.state === 'shared');
    link.cut();
    expect(await valueIn(a, 'profiles.remove', { name: 'acme' })).toEqual({ removed: true });
    await until('B dropped acme', async () => (await profileIn(b, 'acme')) === undefined);
    // c was away with its old copy; back on the network it drops it instead of sharing it again.
    expect(await profileIn(c, 'acme')).toBeDefined();
    link.restore();
    await until('c dropped acme', async () => (await profileIn(c, 'acme')) === undefined, 20_000);
    for (const w of [a, b, c]) await w.services.profiles.syncTeam();
    for (const w of [a, b, c]) expect(await profileIn(w, 'acme')).toBeUndefined();
    expect((await rawTable()).find((r) => r.name === 'acme')).toMatchObject({ removed: true, setup: null });
    expect(await activityIds(b)).toContain('connections.activity.removedByTeam');
    // The name is free again for a new shared profile.
    const again = await valueIn<Profile>(b, 'profiles.save', { profile: { name: 'acme', host: '127.0.0.1', user: 'x', auth: { kind: 'password' } } });
    expect(again.team).toMatchObject({ state: 'shared' });
  }, 40_000);

  it('loopdesk profile share / unshare / show: shares a profile of this workstation, refuses a name the team already shares, in English and German', async () => {
    // The CLI opens the data dirs itself.
    await a.close();
    await b.close();
    try {
      // `team` was set up on each workstation before it joined: its own, until shared.
      expect((await cli('a', 'profile', 'show', 'team')).out).toContain('Team: only on this workstation (loopdesk profile share team shares it)');
      const shared = await cli('a', 'profile', 'share', 'team');
      expect(shared).toMatchObject({ code: 0, out: 'Profile "team" is shared with the team (version 1).' });
      expect((await cli('a', 'profile', 'show', 'team')).out).toContain('Team: shared, version 1 (last changed by a)');
      expect((await rawTable()).find((r) => r.name === 'team')).toMatchObject({ removed: false, version: '1' });
      // b has its own profile of that name: sharing it would overwrite a's, so it is refused, with what to do.
      const refused = await cli('b', 'profile', 'share', 'team');
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain('CONFLICT');
      expect(refused.err).toContain('The team already shares a profile named “team” (last changed by a)');
      const german = await cli('b', '--lang', 'de', 'profile', 'share', 'team');
      expect(german.err).toContain('Das Team teilt bereits ein Profil namens „team“ (zuletzt geändert von a)');
      expect((await cli('b', '--lang', 'de', 'profile', 'show', 'team')).out).toContain('Team: nur auf diesem Arbeitsplatz');
      const unshared = await cli('a', 'profile', 'unshare', 'team');
      expect(unshared).toMatchObject({ code: 0, out: 'Profile "team" is no longer shared from this workstation; the team keeps its copy for the others.' });
      // The export never carries the team facts.
      const exported = await cli('a', 'profile', 'export', 'team');
      expect(exported.code).toBe(0);
      expect(Object.keys(JSON.parse(exported.out))).not.toEqual(expect.arrayContaining(['share']));
      expect(exported.out).not.toMatch(/baseVersion|"team"\s*:\s*\{/);
    } finally {
      a = await team.open('a');
      b = await team.open('b');
      for (const w of [a, b]) await w.services.profiles.startTeamSync();
    }
  }, 60_000);

  it('a shared profile removed on a workstation away from the database stays removed there, and goes from the others once it answers', async () => {
    await valueIn<Profile>(a, 'profiles.save', { profile: { name: 'globex', host: '127.0.0.1', user: 'g', auth: { kind: 'password' } } });
    await until('c has globex', async () => (await profileIn(c, 'globex'))?.team?.state === 'shared');
    await until('b has globex', async () => (await profileIn(b, 'globex')) !== undefined);
    link.cut();
    expect(await valueIn(c, 'profiles.remove', { name: 'globex' })).toEqual({ removed: true });
    // A pull while away, or a restart, does not bring it back here.
    await c.services.profiles.syncTeam().catch(() => undefined);
    expect(await profileIn(c, 'globex')).toBeUndefined();
    expect(await profileIn(b, 'globex')).toBeDefined();
    link.restore();
    await until('B dropped globex', async () => (await profileIn(b, 'globex')) === undefined, 20_000);
    await c.services.profiles.syncTeam();
    expect(await profileIn(c, 'globex')).toBeUndefined();
    expect((await rawTable()).find((r) => r.name === 'globex')).toMatchObject({ removed: true, setup: null });
  }, 40_000);

  it('a workstation that left the team still edits a profile it shared; the change is kept as not shared yet', async () => {
    await until('c has the new acme', async () => (await profileIn(c, 'acme'))?.team?.state === 'shared');
    await c.close();
    expect((await cli('c', 'team', 'leave')).code).toBe(0);
    c = await team.open('c');
    const alone = (await profileIn(c, 'acme'))!;
    expect(alone.team).toBeNull();
    const saved = await valueIn<Profile>(c, 'profiles.save', {
      replace: true,
      profile: { name: 'acme', host: alone.host, port: 2200, user: alone.user, auth: { kind: 'password' }, trustedKeys: alone.trustedKeys, clients: alone.clients, options: alone.options },
    });
    expect(saved.port).toBe(2200);
    const kept = (c.settings.get<{ name: string; team?: { state: string } }[]>('profiles') ?? []).find((p) => p.name === 'acme');
    expect(kept?.team).toMatchObject({ state: 'pending' });
  });
});
