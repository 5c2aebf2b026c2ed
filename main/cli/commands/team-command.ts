import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { keyringNamespace, openKeyringSecretStore, type SecretStore } from '../../services/secrets/secret-store';
import { openSettings } from '../../services/store/settings';
import { checkTeamUrl, describeUrl, TEAM_PASSWORD_ENV, TEAM_PASSWORD_SECRET } from '../../services/team/team-connection';
import { readTeamSetting, TEAM_SETTING, teamPassword, type TeamSetting } from '../../services/team/team-settings';
import { migrateTeamDatabase, openTeamStore } from '../../services/team/team-store';
import type { MessageId } from '../../../shared/i18n/messages';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, STATE_LABELS } from '../cli-text';

const USAGE: Usage = (c) =>
  [
    helpColumns(
      [
        ['loopdesk team init --url postgres://ROLE@HOST:5432/DB[?sslmode=verify-full]', c.t('cli.team.usage.init')],
        ['loopdesk team join --url postgres://ROLE@HOST:5432/DB[?sslmode=…] [--name NAME]', c.t('cli.team.usage.join')],
        ['loopdesk team status [--watch]', c.t('cli.team.usage.status')],
        ['loopdesk team leave', c.t('cli.team.usage.leave')],
      ],
      '',
      34,
    ),
    c.t('cli.team.usage.password', { env: TEAM_PASSWORD_ENV }),
  ].join('\n');

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
  const c = cliText(options.lang);
  const labels: Partial<Record<string, MessageId>> = STATE_LABELS;
  const stateText = (state: string) => {
    const label = labels[state];
    return label ? c.t(label) : state;
  };
  switch (sub) {
    case 'init': {
      if (!values.url) throw CliError.usage(USAGE, EXIT_USAGE);
      const url = checkTeamUrl(values.url);
      const applied = await migrateTeamDatabase({ url, password: env[TEAM_PASSWORD_ENV] });
      io.out(
        options.json
          ? JSON.stringify({ url: describeUrl(url), applied })
          : applied.length
            ? c.t('cli.team.migrated', { url: describeUrl(url), count: applied.length, migrations: applied.join(', ') })
            : c.t('cli.team.upToDate', { url: describeUrl(url) }),
      );
      return 0;
    }
    case 'join': {
      if (!values.url) throw CliError.usage(USAGE, EXIT_USAGE);
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
          : [c.t('cli.team.joined', { url: describeUrl(url), name: setting.name }), ...(!secrets && password ? [c.t('cli.team.noKeyring', { env: TEAM_PASSWORD_ENV })] : [])].join(' '),
      );
      return 0;
    }
    case 'status': {
      const setting = readTeamSetting(settings);
      if (!setting) {
        io.out(options.json ? JSON.stringify({ team: null }) : c.t('cli.team.none'));
        return 0;
      }
      const secrets = await openSecrets();
      const store = await openTeamStore({ url: setting.url, password: await teamPassword(env, secrets), workstation: setting.workstation, workstationName: setting.name, timeoutMs: 5_000 });
      try {
        const [workstations, sends] = [await store.activeWorkstations(), (await store.list({ limit: 200 })).filter((s) => s.active)];
        if (options.json) io.out(JSON.stringify({ team: { url: describeUrl(setting.url), workstation: setting.workstation, name: setting.name }, workstations, inFlight: sends }));
        else {
          io.out(c.t('cli.team.status', { url: describeUrl(setting.url), name: setting.name }));
          io.out(workstations.length ? c.t('cli.team.active', { names: workstations.map((w) => w.name).join(', ') }) : c.t('cli.team.activeNone'));
          for (const s of sends) io.out(`  ${s.id}  ${stateText(s.state).padEnd(22)} ${s.profile}/${s.client} ${c.t('cli.team.mailing', { id: s.sourceMailingId })}  ${s.fileName}`);
        }
        if (values.watch) {
          // LISTEN/NOTIFY: every workstation's state change arrives here within milliseconds.
          const stop = await store.watch((n) =>
            io.out(
              options.json
                ? JSON.stringify({ notice: n, at: new Date().toISOString() })
                : `${c.fmt.dateTime(new Date(), { seconds: true })}  ${n.sendId}  ${stateText(n.state)}  ${c.t('cli.team.workstation', { id: n.workstation })}`,
            ),
          );
          io.err(c.t('cli.team.watching'));
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
      io.out(c.t('cli.team.left'));
      return 0;
    default:
      throw CliError.usage(USAGE, sub ? EXIT_USAGE : 0);
  }
}
