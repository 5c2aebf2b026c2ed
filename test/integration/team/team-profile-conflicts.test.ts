import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { openSettings } from '../../../main/services/store/settings';
import { readTeamSetting, TEAM_SETTING } from '../../../main/services/team/team-settings';
import type { Profile, ProfileConflict } from '../../../shared/contract/profiles';
import { startSwitchRelay, type SwitchRelay } from '../../helpers/switch-relay';
import { callIn, startTeam, valueIn, type TeamSetup } from '../../helpers/team-setup';

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * "Keep mine" / "take the team's" after a conflict on a shared profile: two workstations on a
 * real PostgreSQL; B reaches it through a link the test can cut, so an edit made there while
 * the database is away can lose to A's and must never be dropped silently.
 */
describe('team mode: a conflict on a shared profile is settled by keeping mine or taking the team’s, never by losing an edit', () => {
  let team: TeamSetup;
  let admin: pg.Client;
  let link: SwitchRelay;
  let a: AppContext;
  let b: AppContext;

  const teamRow = async () => (await admin.query(`SELECT * FROM team_profiles WHERE name = 'acme'`)).rows[0] as { version: string; setup: Record<string, unknown>; updated_by_name: string };
  const get = (w: AppContext) => valueIn<Profile>(w, 'profiles.get', { name: 'acme' });
  /** The form's edit of a profile, based on the version it was loaded at. */
  const edit = (p: Profile, patch: Record<string, unknown>) => ({
    name: p.name,
    host: p.host,
    port: p.port,
    user: p.user,
    auth: { kind: p.authKind },
    trustedKeys: p.trustedKeys,
    clients: p.clients,
    options: p.options,
    baseVersion: p.team!.version,
    ...patch,
  });
  /** What every workstation and the team's row agree on after a settlement. */
  const everywhere = async (version: number) => {
    await until(`A and B at version ${version}`, async () => (await get(a)).team!.version === version && (await get(b)).team!.version === version);
    const [onA, onB, row] = [await get(a), await get(b), await teamRow()];
    expect(Number(row.version)).toBe(version);
    for (const p of [onA, onB]) {
      expect(p.team).toMatchObject({ state: 'shared', version });
      expect({ host: p.host, port: p.port, user: p.user, options: p.options, clients: p.clients }).toEqual({
        host: row.setup.host,
        port: row.setup.port,
        user: row.setup.user,
        options: row.setup.options,
        clients: row.setup.clients,
      });
    }
    return onB;
  };
  const logged = async (w: AppContext, id: string) =>
    (await valueIn<{ entries: { text: { id: string; values?: Record<string, unknown> } | null; origin: { name: string } | null }[] }>(w, 'activity.list', { profile: 'acme', limit: 200 })).entries.filter(
      (e) => e.text?.id === id,
    );

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], { seed: 'profiles' });
    admin = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await admin.connect();
    link = await startSwitchRelay(team.pg.port);
    const settings = openSettings(team.dataDirs.b);
    settings.set(TEAM_SETTING, { ...readTeamSetting(settings)!, url: team.pg.url.replace(`:${team.pg.port}/`, `:${link.port}/`) });
    a = await team.open('a');
    b = await team.open('b');
    for (const w of [a, b]) await w.services.profiles.startTeamSync();
    await valueIn<Profile>(a, 'profiles.save', {
      profile: { name: 'acme', host: '127.0.0.1', port: 22, user: 'acme', auth: { kind: 'password' }, clients: [{ name: 'Main' }] },
    });
    await until('B has acme', async () => (await callIn<Profile>(b, 'profiles.get', { name: 'acme' })).ok);
  }, 120_000);
  afterAll(async () => {
    for (const w of [a, b]) await w?.close();
    await link?.stop();
    await admin?.end();
    await team?.stop();
  });

  it('online: B’s refused save shows the differences field by field; keep mine against a version that moved again is refused; then it replaces A’s, logged with who overwrote what', async () => {
    const onA = await get(a);
    const onB = await get(b);
    expect(onB.team!.version).toBe(1);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA, { options: { ...onA.options, pollMinutes: 3 } }) });
    const mine = edit(onB, { port: 2222, options: { ...onB.options, retries: 7 } });
    const refused = await callIn<Profile>(b, 'profiles.save', { replace: true, profile: mine });
    expect(refused.ok || refused.error).toMatchObject({ code: 'CONFLICT', details: { teamVersion: 2, by: 'a' } });

    const compared = await valueIn<ProfileConflict>(b, 'profiles.conflict', { name: 'acme', profile: mine });
    expect(compared).toMatchObject({ name: 'acme', teamVersion: 2, by: 'a', removed: false });
    expect(compared.differences).toEqual([
      { field: 'port', key: null, part: null, mine: '2222', team: '22' },
      { field: 'option', key: 'retries', part: null, mine: '7', team: String(onB.options.retries) },
      { field: 'option', key: 'pollMinutes', part: null, mine: String(onB.options.pollMinutes), team: '3' },
    ]);

    // A saves once more while B decides: B's "keep mine" was about version 2, so it is refused and nothing is overwritten.
    const onA2 = await get(a);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA2, { user: 'acme-ops' }) });
    const stale = await callIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 2, profile: mine });
    expect(stale.ok || stale.error).toMatchObject({ code: 'CONFLICT', messageId: 'error.profiles.changedByOther', details: { teamVersion: 3, by: 'a' } });
    expect(await teamRow()).toMatchObject({ version: '3', updated_by_name: 'a', setup: { user: 'acme-ops', port: 22, options: { pollMinutes: 3 } } });

    // Compared again, now against version 3: the user differs too; keeping mine makes version 4 everywhere.
    const again = await valueIn<ProfileConflict>(b, 'profiles.conflict', { name: 'acme', profile: mine });
    expect(again.teamVersion).toBe(3);
    expect(again.differences.map((d) => d.key ?? d.field)).toEqual(['port', 'user', 'retries', 'pollMinutes']);
    const kept = await valueIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 3, profile: mine });
    expect(kept.team).toMatchObject({ state: 'shared', version: 4, changedBy: 'b' });
    const settled = await everywhere(4);
    expect(settled).toMatchObject({ port: 2222, user: 'acme', options: { retries: 7, pollMinutes: onB.options.pollMinutes } });
    expect((await logged(b, 'connections.activity.keptMine'))[0]?.text?.values).toEqual({ me: 'b', version: 4, overwritten: 3, by: 'a' });
    // A reads it in the team's log, from B.
    await until('A sees B’s entry', async () => (await logged(a, 'connections.activity.keptMine')).some((e) => e.origin?.name === 'b'));
  }, 60_000);

  it('online: taking the team’s drops B’s edit and leaves the team’s version as it was, on both workstations', async () => {
    const onA = await get(a);
    const onB = await get(b);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA, { host: 'sftp.example.com' }) });
    const mine = edit(onB, { options: { ...onB.options, keepaliveSeconds: 99 } });
    expect((await callIn(b, 'profiles.save', { replace: true, profile: mine })).ok).toBe(false);
    const compared = await valueIn<ProfileConflict>(b, 'profiles.conflict', { name: 'acme', profile: mine });
    expect(compared.differences.map((d) => [d.field, d.key, d.mine, d.team])).toEqual([
      ['host', null, '127.0.0.1', 'sftp.example.com'],
      ['option', 'keepaliveSeconds', '99', String(onB.options.keepaliveSeconds)],
    ]);
    const taken = await valueIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'team', teamVersion: compared.teamVersion });
    expect(taken).toMatchObject({ host: 'sftp.example.com', options: { keepaliveSeconds: onB.options.keepaliveSeconds } });
    const settled = await everywhere(5);
    expect(settled.host).toBe('sftp.example.com');
  }, 60_000);

  it('offline: B’s change that lost stays on B, named, through every sync; keep mine against a moved version is refused; keep mine then shares it everywhere', async () => {
    link.cut();
    await valueIn(b, 'mailings.save', { profile: 'acme', client: 'Main', mailing: { id: '900005', name: 'Made offline', notes: '' } });
    expect((await get(b)).team).toMatchObject({ state: 'pending' });
    const onA = await get(a);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA, { options: { ...onA.options, pollMinutes: 15 } }) });
    link.restore();
    await until('B found its change lost', async () => (await get(b)).team?.state === 'conflict');
    const waiting = await get(b);
    // Kept, and the card can say who changed it meanwhile.
    expect(waiting.team).toMatchObject({ state: 'conflict', changedBy: 'a' });
    expect(waiting.clients[0].mailings.map((m) => m.id)).toEqual(['900005']);
    expect(await logged(b, 'connections.activity.shareConflict')).not.toHaveLength(0);
    // More syncs (NOTIFYs, the retry timer, a restart's first pull) never drop it.
    await b.services.profiles.syncTeam();
    expect((await get(b)).clients[0].mailings.map((m) => m.id)).toEqual(['900005']);
    expect(((await teamRow()).setup.clients as { mailings: unknown[] }[])[0].mailings).toEqual([]);

    const compared = await valueIn<ProfileConflict>(b, 'profiles.conflict', { name: 'acme' });
    expect(compared).toMatchObject({ teamVersion: 6, by: 'a' });
    expect(compared.differences).toEqual([
      { field: 'option', key: 'pollMinutes', part: null, mine: String(waiting.options.pollMinutes), team: '15' },
      { field: 'client', key: 'Main', part: 'mailings', mine: '900005 Made offline', team: null },
    ]);

    // A changes it again before B decides: B's keep mine about version 6 is refused; B's change is still kept.
    const onA2 = await get(a);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA2, { options: { ...onA2.options, retries: 9 } }) });
    const stale = await callIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 6 });
    expect(stale.ok || stale.error).toMatchObject({ code: 'CONFLICT', details: { teamVersion: 7 } });
    expect((await get(b)).team).toMatchObject({ state: 'conflict' });
    expect((await get(b)).clients[0].mailings.map((m) => m.id)).toEqual(['900005']);

    const kept = await valueIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 7 });
    expect(kept.team).toMatchObject({ state: 'shared', version: 8 });
    const settled = await everywhere(8);
    expect(settled.clients[0].mailings.map((m) => m.id)).toEqual(['900005']);
    expect(settled.options).toMatchObject({ pollMinutes: waiting.options.pollMinutes, retries: waiting.options.retries });
    expect((await logged(b, 'connections.activity.keptMine'))[0]?.text?.values).toEqual({ me: 'b', version: 8, overwritten: 7, by: 'a' });
  }, 60_000);

  it('offline: taking the team’s drops the change that lost and takes A’s version on B; nothing changes in the team', async () => {
    link.cut();
    await valueIn(b, 'mailings.save', { profile: 'acme', client: 'Main', mailing: { id: '900006', name: 'Dropped on purpose', notes: '' } });
    const onA = await get(a);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA, { user: 'acme-team' }) });
    link.restore();
    await until('B found its change lost', async () => (await get(b)).team?.state === 'conflict');
    // Nothing left to decide on a copy in step with the team; a copy in conflict takes the team's.
    const taken = await valueIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'team', teamVersion: 9 });
    expect(taken.clients[0].mailings.map((m) => m.id)).toEqual(['900005']);
    const settled = await everywhere(9);
    expect(settled.user).toBe('acme-team');
    const nothing = await callIn(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 9 });
    expect(nothing.ok || nothing.error).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.profiles.nothingToResolve' });
    expect(Number((await teamRow()).version)).toBe(9);
    // A profile of this workstation's own (never shared) has no team version to keep it over.
    const own = await callIn(b, 'profiles.resolve', { name: 'team', keep: 'mine', teamVersion: 1, profile: edit({ ...(await get(b)), name: 'team', team: { shared: false, version: null, state: 'local', changedBy: null } }, {}) });
    expect(own.ok || own.error).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.profiles.nothingToResolve' });
  }, 60_000);

  it('loopdesk profile resolve: shows the differences (text in English and German, --json), refuses a stale --version, keeps mine or takes the team’s', async () => {
    // A change that lost, made on B while away; then B is closed: the CLI opens its data dir.
    link.cut();
    await valueIn(b, 'mailings.save', { profile: 'acme', client: 'Main', mailing: { id: '900007', name: 'From the CLI', notes: '' } });
    const onA = await get(a);
    await valueIn(a, 'profiles.save', { replace: true, profile: edit(onA, { port: 2200 }) });
    link.restore();
    await until('B found its change lost', async () => (await get(b)).team?.state === 'conflict');
    await b.close();
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['--data-dir', team.dataDirs.b, ...args], { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } as never, team.env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    try {
      const shown = await cli('profile', 'resolve', 'acme');
      expect(shown.code).toBe(0);
      expect(shown.out).toContain('Profile "acme": yours differs from the team\'s version 10 (changed by a on');
      expect(shown.out).toContain('  port: yours 2222; the team\'s 2200');
      expect(shown.out).toContain('  clients[Main].mailings: yours 900005 Made offline, 900007 From the CLI; the team\'s 900005 Made offline');
      expect(shown.out).toContain('loopdesk profile resolve acme --keep-mine --version 10');
      const german = await cli('--lang', 'de', 'profile', 'resolve', 'acme');
      expect(german.out).toContain('Profil „acme“: Ihre Fassung weicht von Fassung 10 des Teams ab (geändert von a am');
      expect(german.out).toContain('  port: Ihre 2222; die des Teams 2200');
      const json = await cli('--json', 'profile', 'resolve', 'acme');
      const doc = JSON.parse(json.out) as ProfileConflict;
      expect(doc).toMatchObject({ name: 'acme', teamVersion: 10, by: 'a', removed: false });
      expect(doc.differences).toEqual([
        { field: 'port', key: null, part: null, mine: '2222', team: '2200' },
        { field: 'client', key: 'Main', part: 'mailings', mine: '900005 Made offline, 900007 From the CLI', team: '900005 Made offline' },
      ]);
      // Usage mistakes.
      expect((await cli('profile', 'resolve', 'acme', '--keep-mine', '--take-team')).err).toContain('Give --keep-mine or --take-team, not both.');
      expect((await cli('profile', 'resolve', 'acme', '--keep-mine', '--version', 'ten')).code).not.toBe(0);
      // A stale version (the one before A's last change) is refused; nothing is overwritten.
      const stale = await cli('profile', 'resolve', 'acme', '--keep-mine', '--version', '9');
      expect(stale.code).not.toBe(0);
      expect(stale.err).toContain('CONFLICT');
      expect(Number((await teamRow()).version)).toBe(10);
      const kept = await cli('profile', 'resolve', 'acme', '--keep-mine', '--version', '10');
      expect(kept).toMatchObject({ code: 0, out: 'Profile "acme": your version replaced version 10 by a; the team now has version 11.' });
      expect(await teamRow()).toMatchObject({ version: '11', updated_by_name: 'b', setup: { port: 2222 } });
      await until('A has version 11', async () => (await get(a)).team!.version === 11);
      expect((await get(a)).clients[0].mailings.map((m) => m.id)).toEqual(['900005', '900007']);
      // In step with the team, there is nothing to keep; taking the team's reloads it.
      expect((await cli('profile', 'resolve', 'acme', '--keep-mine')).err).toContain('has no change waiting on this workstation');
      const taken = await cli('profile', 'resolve', 'acme', '--take-team');
      expect(taken).toMatchObject({ code: 0, out: 'Profile "acme" reloaded from the team (version 11).' });
      expect((await cli('profile', 'help')).err + (await cli('profile', 'help')).out).toContain('loopdesk profile resolve NAME [--keep-mine [--version N] | --take-team]');
    } finally {
      b = await team.open('b');
      await b.services.profiles.startTeamSync();
    }
  }, 60_000);

  it('a change that waited while A removed the profile is kept; keep mine shares it again, on A too', async () => {
    link.cut();
    await valueIn(b, 'mailings.save', { profile: 'acme', client: 'Main', mailing: { id: '900008', name: 'Still needed', notes: '' } });
    expect(await valueIn(a, 'profiles.remove', { name: 'acme' })).toEqual({ removed: true });
    link.restore();
    await until('B found its change lost', async () => (await get(b)).team?.state === 'conflict');
    expect((await get(b)).clients[0].mailings.map((m) => m.id)).toContain('900008');
    const compared = await valueIn<ProfileConflict>(b, 'profiles.conflict', { name: 'acme' });
    expect(compared).toMatchObject({ teamVersion: 12, by: 'a', removed: true, differences: [] });
    await valueIn<Profile>(b, 'profiles.resolve', { name: 'acme', keep: 'mine', teamVersion: 12 });
    await until('A has acme back', async () => (await callIn<Profile>(a, 'profiles.get', { name: 'acme' })).ok);
    const settled = await everywhere(13);
    expect(settled.clients[0].mailings.map((m) => m.id)).toContain('900008');
  }, 60_000);
});
