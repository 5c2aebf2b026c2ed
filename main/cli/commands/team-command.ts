import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { keyringNamespace, openKeyringSecretStore, type SecretStore } from '../../services/secrets/secret-store';
import { openSettings } from '../../services/store/settings';
import { checkTeamUrl, describeUrl, TEAM_PASSWORD_ENV, TEAM_PASSWORD_SECRET } from '../../services/team/team-connection';
import { readTeamSetting, TEAM_SETTING, teamPassword, type TeamSetting } from '../../services/team/team-settings';
import { migrateTeamDatabase, openTeamStore } from '../../services/team/team-store';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';

const USAGE = `loopdesk team init --url postgres://ROLE@HOST:5432/DB[?sslmode=verify-full]
                                  create or update the team schema (once per team; numbered migrations under a lock)
loopdesk team join --url postgres://ROLE@HOST:5432/DB[?sslmode=…] [--name NAME]
                                  connect this data dir's workstation to the team (from the next start)
loopdesk team status [--watch]    the team connection, who else is active, sends in flight;
                                  --watch: then one line per send state change of any workstation, as it happens
loopdesk team leave               back to this workstation alone (from the next start)
The password comes from ${TEAM_PASSWORD_ENV} (join also keeps it in the OS keyring when there is one), never from the URL.`;

/** `loopdesk team …`: team mode on PostgreSQL (README, "Team mode"). */
export async function teamCommand(
  argv: string[],
  options: GlobalOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv,
  /** Where the team password is kept: the data dir's OS keyring, as the app context opens it (tests pass another store). */
  openSecrets: () => Promise<SecretStore | undefined> = () => openKeyringSecretStore(keyringNamespace(options.dataDir)).catch(() => undefined),
): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, name: { type: 'string' }, watch: { type: 'boolean' } }, strict: true });
  const settings = openSettings(options.dataDir);
  switch (sub) {
    case 'init': {
      if (!values.url) throw new CliError(USAGE, EXIT_USAGE);
      const url = checkTeamUrl(values.url);
      const applied = await migrateTeamDatabase({ url, password: env[TEAM_PASSWORD_ENV] });
      io.out(options.json ? JSON.stringify({ url: describeUrl(url), applied }) : applied.length ? `Team schema on ${describeUrl(url)}: applied migration(s) ${applied.join(', ')}.` : `Team schema on ${describeUrl(url)} is up to date.`);
      return 0;
    }
    case 'join': {
      if (!values.url) throw new CliError(USAGE, EXIT_USAGE);
      const url = checkTeamUrl(values.url);
      const secrets = await openSecrets();
      const password = await teamPassword(env, secrets);
      const previous = readTeamSetting(settings);
      const setting: TeamSetting = { url, workstation: previous?.workstation ?? randomUUID(), name: values.name ?? previous?.name ?? hostname() };
      // Joining checks the database answers and is set up, so a typo shows now, not at the first send.
      const store = await openTeamStore({ url, password, workstation: setting.workstation, workstationName: setting.name, timeoutMs: 5_000 });
      await store.close();
      if (env[TEAM_PASSWORD_ENV] && secrets) await secrets.set(TEAM_PASSWORD_SECRET, env[TEAM_PASSWORD_ENV]);
      settings.set(TEAM_SETTING, setting);
      io.out(
        options.json
          ? JSON.stringify({ ...setting, url: describeUrl(url), password: env[TEAM_PASSWORD_ENV] ? (secrets ? 'keyring' : 'environment') : secrets ? 'keyring' : 'none' })
          : `Joined the team on ${describeUrl(url)} as "${setting.name}". It takes effect the next time Loopdesk starts with this data dir.${!secrets && password ? ` No keyring here: set ${TEAM_PASSWORD_ENV} wherever Loopdesk runs.` : ''}`,
      );
      return 0;
    }
    case 'status': {
      const setting = readTeamSetting(settings);
      if (!setting) {
        io.out(options.json ? JSON.stringify({ team: null }) : 'Not in a team: sends are coordinated on this workstation alone.');
        return 0;
      }
      const secrets = await openSecrets();
      const store = await openTeamStore({ url: setting.url, password: await teamPassword(env, secrets), workstation: setting.workstation, workstationName: setting.name, timeoutMs: 5_000 });
      try {
        const [workstations, sends] = [await store.activeWorkstations(), (await store.list({ limit: 200 })).filter((s) => s.active)];
        if (options.json) io.out(JSON.stringify({ team: { url: describeUrl(setting.url), workstation: setting.workstation, name: setting.name }, workstations, inFlight: sends }));
        else {
          io.out(`Team: ${describeUrl(setting.url)} (this workstation: ${setting.name})`);
          io.out(`Active workstations: ${workstations.map((w) => w.name).join(', ') || 'none'}`);
          for (const s of sends) io.out(`  ${s.id}  ${s.state.padEnd(15)} ${s.profile}/${s.client} mailing ${s.sourceMailingId}  ${s.fileName}`);
        }
        if (values.watch) {
          // LISTEN/NOTIFY: every workstation's state change arrives here within milliseconds.
          const stop = await store.watch((n) => io.out(options.json ? JSON.stringify({ notice: n, at: new Date().toISOString() }) : `${new Date().toISOString()}  ${n.sendId}  ${n.state}  (workstation ${n.workstation})`));
          io.err('Watching the team; Ctrl+C ends.');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await stop();
        }
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'leave':
      settings.delete(TEAM_SETTING);
      io.out('Left the team. It takes effect the next time Loopdesk starts with this data dir.');
      return 0;
    default:
      throw new CliError(USAGE, sub ? EXIT_USAGE : 0);
  }
}
