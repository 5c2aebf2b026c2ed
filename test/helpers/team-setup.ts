import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAppContext, type AppContext } from '../../main/app/app-context';
import { main } from '../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../main/services/sandbox';
import type { Result } from '../../shared/contract/result';
import type { Send } from '../../shared/contract/sends';
import { startPostgres, type PostgresHandle } from './postgres';
import { tempDir } from './temp-dir';

const PASSWORD_ENV = 'TEAM_SETUP_SB_PW';
const silent = { out: () => undefined, err: () => undefined } as never;

/** A team of workstations (data dirs that joined one team database) in front of one sandbox. */
export interface TeamSetup {
  readonly pg: PostgresHandle;
  readonly sandbox: SandboxHandle;
  /** Environment with the team and sandbox passwords. */
  readonly env: NodeJS.ProcessEnv;
  /** Data dir per workstation name (each joined the team under that name, unless listed in `alone`). */
  readonly dataDirs: Record<string, string>;
  /** A two-row recipient file. */
  readonly recipients: string;
  /** The sandbox's first client. */
  readonly client: SandboxHandle['clients'][number];
  /** The temp folder that holds the sandbox and the data dirs (for a test's own, larger recipient files). */
  readonly dir: string;
  open(name: string): Promise<AppContext>;
  stop(): Promise<void>;
}

/** Where the workstations reach the servers, when a test puts something (a fault proxy) in between. */
export interface TeamRoute {
  /** The team database URL the team is set up and joined with (default: the database's own). */
  readonly teamUrl?: string;
  /** SFTP port per workstation name (default: the sandbox's own). */
  readonly sftpPorts?: Readonly<Record<string, number>>;
}

/** How `startTeam` sets the team up; every field may be left out. */
export interface TeamOptions {
  /** Client settings merged into the profile's client (`fourEyes`, `testRecipients`). */
  readonly client?: Record<string, unknown>;
  /** Names that get a profile but do not join the team. */
  readonly alone?: readonly string[];
  /** The sandbox's seed (default `team`). */
  readonly seed?: string;
  /** Further environment for every workstation (`LOOPDESK_TEAM_LEASE_MS` for short leases). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Called once the database and the sandbox run, before `team init`: start proxies in front of
   * them here; what it returns routes the team and the workstations through them.
   */
  readonly route?: (servers: { readonly pg: PostgresHandle; readonly sandbox: SandboxHandle }) => Promise<TeamRoute>;
}

/** The environment a team's workstations run with: the team database's and the sandbox's passwords, plus `extra`. */
export function teamEnv(pg: PostgresHandle, sandbox: SandboxHandle, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LOOPDESK_TEAM_PASSWORD: pg.password, [PASSWORD_ENV]: sandbox.password, ...extra };
}

/**
 * Saves profile `team` in `dataDir`: the sandbox's first client (with `client` settings merged
 * in), reached on `port` (default: the sandbox's own). Throws when the save is refused.
 */
export async function saveTeamProfile(dataDir: string, sandbox: SandboxHandle, options: { readonly port?: number; readonly client?: Record<string, unknown>; readonly env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const c = sandbox.clients[0];
  const context = await openAppContext({ dataDir, host: 'cli', secrets: null, env: options.env });
  try {
    const saved = await context.dispatcher.handle(
      'profiles.save',
      {
        profile: {
          name: 'team',
          host: '127.0.0.1',
          port: options.port ?? sandbox.port,
          user: sandbox.user,
          auth: { kind: 'password', passwordEnv: PASSWORD_ENV },
          trustedKeys: [sandbox.fingerprint],
          clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings, ...options.client }],
        },
      },
      { transport: 'memory' },
    );
    if (!saved.ok) throw new Error(`profiles.save: ${saved.error.message}`);
  } finally {
    await context.close();
  }
}

/**
 * Starts a PostgreSQL cluster and the sandbox, runs `team init`, and sets up one data dir per
 * name with profile `team` (the sandbox's first client, with `client` settings merged in) and
 * `team join` (names in `alone` stay out of the team). Stops what it started when a step fails.
 */
export async function startTeam(names: readonly string[], options: TeamOptions = {}): Promise<TeamSetup> {
  const pg = await startPostgres();
  const dir = tempDir('loopdesk-team-');
  let sandbox: SandboxHandle | undefined;
  try {
    sandbox = await startSandbox({ root: join(dir.path, 'sandbox'), port: 0, interval: 0, seed: options.seed ?? 'team', haltOnError: false });
    const route = (await options.route?.({ pg, sandbox })) ?? {};
    const teamUrl = route.teamUrl ?? pg.url;
    const env = teamEnv(pg, sandbox, options.env);
    if ((await main(['team', 'init', '--url', teamUrl], silent, env)) !== 0) throw new Error('team init failed');
    const dataDirs: Record<string, string> = {};
    for (const name of names) {
      const dataDir = join(dir.path, name);
      await saveTeamProfile(dataDir, sandbox, { port: route.sftpPorts?.[name], client: options.client, env });
      if (!options.alone?.includes(name) && (await main(['--data-dir', dataDir, 'team', 'join', '--url', teamUrl, '--name', name], silent, env)) !== 0) throw new Error(`team join ${name} failed`);
      dataDirs[name] = dataDir;
    }
    const recipients = join(dir.path, 'recipients.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', 'a@example.com,Frau,A,B', 'c@example.com,Herr,C,D'].join('\n') + '\n');
    const started = sandbox;
    return {
      pg,
      sandbox,
      env,
      dataDirs,
      recipients,
      client: sandbox.clients[0],
      dir: dir.path,
      open: (name) => openAppContext({ dataDir: dataDirs[name], host: 'cli', secrets: null, env }),
      async stop() {
        await started.stop();
        await pg.stop();
        dir.cleanup();
      },
    };
  } catch (error) {
    await sandbox?.stop();
    await pg.stop();
    dir.cleanup();
    throw error;
  }
}

/** Calls a service through the dispatcher, as the app and the CLI do. */
export async function callIn<T>(context: AppContext, channel: string, payload: unknown): Promise<Result<T>> {
  return (await context.dispatcher.handle(channel, payload, { transport: 'memory' })) as Result<T>;
}

/** The value of a call; throws with the error's code and message when it failed. */
export async function valueIn<T>(context: AppContext, channel: string, payload: unknown): Promise<T> {
  const r = await callIn<T>(context, channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** Creates a send of the team's recipient file on `mailing` from workstation `context`. */
export async function createTeamSend(team: TeamSetup, context: AppContext, mailing: string, test = false): Promise<Result<Send>> {
  const inspection = await valueIn<{ mapping: unknown[] }>(context, 'recipients.inspect', { profile: 'team', client: team.client.name, path: team.recipients });
  return callIn<Send>(context, 'sends.create', { profile: 'team', client: team.client.name, path: team.recipients, sourceMailingId: mailing, mapping: inspection.mapping, test });
}
