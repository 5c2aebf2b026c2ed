import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { AppError, type ImplOf } from '../../../shared/contract';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { ClientConfig, ProfileInput, type Profile, type profilesContract } from '../../../shared/contract/profiles';
import type { LogActivity } from '../activity/activity-service';
import type { SecretStore } from '../secrets/secret-store';
import { openSftp, probeHostKey, type SftpSession, type SftpTarget, type WriteCheck } from '../sftp';
import type { Settings } from '../store/settings';
import { createProfileSharing, type TeamProfilesPort } from './profile-sharing';
import { createRemovedProfiles } from './removed-profiles';
import { sharedSetupOf } from './shared-setup';
import { secretKeys, StoredProfile } from './stored-profile';

const SETTINGS_KEY = 'profiles';

/** What the profiles service needs from its host. */
export interface ProfilesDeps {
  readonly settings: Settings;
  /** The persistent secret store, or undefined where none exists (then: this session only). */
  readonly secrets: SecretStore | undefined;
  readonly log: LogActivity;
  /** Environment for `--password-env` style references (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** Team mode: the team database through which shared profiles travel (profile-sharing.ts). */
  readonly team?: TeamProfilesPort;
  /** Team mode: tells the screens which profiles changed through the team (`profiles.onTeamChange`). */
  readonly teamChanged?: (names: readonly string[]) => void;
  /** Team mode: how often changes made while the team database was away are retried (tests shorten it). */
  readonly teamRetryMs?: number;
  /** Keeps the server clock the connection test's probe write read off (sends/server-clock.ts); absent: not kept. */
  readonly serverClock?: (profile: string, fingerprint: string, sample: NonNullable<WriteCheck['clock']>) => Promise<unknown>;
  /** The clock "Recently removed" keeps its 30 days by (tests move it on). */
  readonly now?: () => number;
}

/** The profiles service plus what other services use to reach a server. */
export type ProfilesService = ImplOf<typeof profilesContract> & {
  /** Opens an SFTP session for a profile, logging connect and failures to the activity log. */
  connect(name: string): Promise<SftpSession>;
  /** Runs `work` on a fresh session and always closes it. */
  withSession<T>(name: string, work: (session: SftpSession) => Promise<T>): Promise<T>;
  /** The stored profile (no secrets). */
  stored(name: string): StoredProfile;
  /** Changes one client of a profile (source mailings, fields) without touching its secrets. */
  updateClient(profile: string, client: string, change: (c: StoredProfile['clients'][number]) => StoredProfile['clients'][number]): Promise<void>;
  /** Team mode: hears the others' profile changes (LISTEN/NOTIFY) and retries unshared ones; long-running hosts call it. */
  startTeamSync(): Promise<void>;
  /** Stops what {@link startTeamSync} started (the app context does on close). */
  stopTeamSync(): Promise<void>;
  /** Team mode: pushes changes that wait and pulls the team's now (throws TEAM_UNAVAILABLE when it is away). */
  syncTeam(): Promise<void>;
  /** Purges removed profiles older than 30 days with their kept secrets (logged); the app runs it at start. Returns how many went. */
  purgeRemoved(): Promise<number>;
};

/** Who removes a profile here: the workstation's team name, else the operator's user name. */
function operatorName(team: TeamProfilesPort | undefined): string {
  if (team) return team.workstationName;
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/**
 * Connection profiles: saved in the settings file without secrets; passwords, pasted keys
 * and passphrases go to the secret store, or stay in memory for this session where the
 * machine has no store, or are read from an environment variable named by the CLI.
 */
export function createProfilesService(deps: ProfilesDeps): ProfilesService {
  const env = deps.env ?? process.env;
  const sessionSecrets = new Map<string, string>();

  const readAll = (): StoredProfile[] => {
    const raw = deps.settings.get<unknown[]>(SETTINGS_KEY) ?? [];
    return raw.map((p) => StoredProfile.parse(p));
  };
  const writeAll = (profiles: readonly StoredProfile[]) => deps.settings.set(SETTINGS_KEY, profiles);
  const find = (name: string): StoredProfile => {
    const p = readAll().find((x) => x.name === name);
    if (p) return p;
    // A removed profile is never used (a send of it fails with this, nothing is uploaded); the message says how to get it back.
    const gone = removed.latest(name);
    if (gone) throw new AppError('NOT_FOUND', 'error.profiles.removed', { name, by: gone.removedBy, at: gone.removedAt });
    throw new AppError('NOT_FOUND', 'error.profiles.notFound', { name });
  };
  const replace = (profile: StoredProfile) => writeAll(readAll().map((p) => (p.name === profile.name ? profile : p)));

  const getSecret = async (key: string): Promise<string | undefined> => sessionSecrets.get(key) ?? (await deps.secrets?.get(key));
  const putSecret = async (key: string, value: string, remember: boolean): Promise<'keyring' | 'safeStorage' | 'session'> => {
    if (remember && deps.secrets) {
      await deps.secrets.set(key, value);
      sessionSecrets.delete(key);
      return deps.secrets.kind;
    }
    sessionSecrets.set(key, value);
    return 'session';
  };
  // "Recently removed": a removed profile's secrets move to slots of their own (in the store, or
  // this session's memory where there is none) and come back with it.
  const removed = createRemovedProfiles({
    settings: deps.settings,
    log: deps.log,
    now: deps.now ?? Date.now,
    slots: {
      async move(from, to) {
        let moved = false;
        const inSession = sessionSecrets.get(from);
        if (inSession !== undefined) {
          sessionSecrets.set(to, inSession);
          sessionSecrets.delete(from);
          moved = true;
        }
        const stored = await deps.secrets?.get(from);
        if (deps.secrets && stored !== undefined) {
          await deps.secrets.set(to, stored);
          await deps.secrets.delete(from);
          moved = true;
        }
        return moved;
      },
      async drop(key) {
        sessionSecrets.delete(key);
        await deps.secrets?.delete(key);
      },
      async has(key) {
        return sessionSecrets.has(key) || (await deps.secrets?.get(key)) !== undefined;
      },
    },
  });
  // Team mode: shared profiles (#16). Every change of the settings file's profiles runs through
  // `exclusive`, so a pull of the team's changes never writes over a save in flight.
  const sharing = createProfileSharing({
    team: deps.team,
    settings: deps.settings,
    readAll,
    writeAll,
    removed,
    log: deps.log,
    changed: (names) => deps.teamChanged?.(names),
    retryMs: deps.teamRetryMs,
  });
  const { exclusive } = sharing;

  /** Returns the secret material of a profile, or undefined fields where none is available. */
  const loadSecrets = async (p: StoredProfile) => {
    const keys = secretKeys(p.name);
    if (p.auth.kind === 'password') {
      const password = p.auth.passwordEnv ? env[p.auth.passwordEnv] : await getSecret(keys.password);
      return { password };
    }
    const privateKey = p.auth.keyPath ? await readFile(p.auth.keyPath, 'utf8').catch(() => undefined) : await getSecret(keys.privateKey);
    const passphrase = p.auth.passphraseEnv ? env[p.auth.passphraseEnv] : await getSecret(keys.passphrase);
    return { privateKey, passphrase };
  };

  const view = async (p: StoredProfile): Promise<Profile> => {
    const s = await loadSecrets(p);
    const available = p.auth.kind === 'password' ? Boolean(s.password) : Boolean(s.privateKey);
    return {
      name: p.name,
      host: p.host,
      port: p.port,
      user: p.user,
      authKind: p.auth.kind,
      keyPath: p.auth.kind === 'key' ? (p.auth.keyPath ?? null) : null,
      passwordEnv: p.auth.kind === 'password' ? (p.auth.passwordEnv ?? null) : null,
      passphraseEnv: p.auth.kind === 'key' ? (p.auth.passphraseEnv ?? null) : null,
      secretAvailable: available,
      secretStore: available && p.secretStore === 'none' ? 'session' : p.secretStore,
      trustedKeys: p.trustedKeys,
      clients: p.clients,
      options: p.options,
      sandbox: p.sandbox,
      team: sharing.view(p),
    };
  };

  const targetOf = async (p: StoredProfile): Promise<SftpTarget> => {
    const s = await loadSecrets(p);
    if (p.auth.kind === 'password' && !s.password) {
      throw p.auth.passwordEnv
        ? new AppError('SECRET_UNAVAILABLE', 'error.profiles.passwordEnvMissing', { profile: p.name, variable: p.auth.passwordEnv }, { profile: p.name })
        : new AppError('SECRET_UNAVAILABLE', 'error.profiles.noPassword', { profile: p.name }, { profile: p.name });
    }
    if (p.auth.kind === 'key' && !s.privateKey) {
      throw p.auth.keyPath
        ? new AppError('SECRET_UNAVAILABLE', 'error.profiles.keyFileUnreadable', { profile: p.name, path: p.auth.keyPath }, { profile: p.name })
        : new AppError('SECRET_UNAVAILABLE', 'error.profiles.noKey', { profile: p.name }, { profile: p.name });
    }
    return {
      host: p.host,
      port: p.port,
      username: p.user,
      password: 'password' in s ? s.password : undefined,
      privateKey: 'privateKey' in s ? s.privateKey : undefined,
      passphrase: 'passphrase' in s ? s.passphrase : undefined,
      trustedKeys: p.trustedKeys,
      options: p.options,
    };
  };

  const connect = async (name: string): Promise<SftpSession> => {
    const p = find(name);
    const target = await targetOf(p);
    try {
      const session = await openSftp(target, {
        // Transfers and every warning or error go to the activity log; routine connection
        // chatter (end/close) would drown them, and the connect itself is logged below.
        log: (e) => {
          if (e.level !== 'info' || e.kind === 'sftp.upload.done' || e.kind === 'sftp.download.done') {
            void deps.log({ ...e, kind: e.kind.replace(/^sftp\./, ''), profile: name }).catch(() => undefined);
          }
        },
      });
      await deps.log({ level: 'info', kind: 'connect', profile: name, messageId: 'connections.activity.connected', values: { user: p.user, host: p.host, port: String(p.port) } });
      return session;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await deps.log({ level: 'error', kind: 'connect', profile: name, messageId: 'connections.activity.connectFailed', values: { host: p.host, port: String(p.port), reason: message } });
      throw e;
    }
  };

  /** Creates or replaces a profile (inside `exclusive`): the team first in team mode, then secrets, then the settings file. */
  const saveNow = async (profile: ProfileInput, allowReplace: boolean): Promise<StoredProfile> => {
    const input = ProfileInput.parse(profile);
    const existing = readAll().find((p) => p.name === input.name);
    if (existing && !allowReplace) {
      throw new AppError('ALREADY_EXISTS', 'error.profiles.exists', { name: input.name });
    }
    const trustedKeys = [...new Set(input.trustedKeys)];
    // Team mode: the set-up goes to the team first, so a save over another member's newer
    // change is refused before anything (a secret included) is written here.
    const team = await sharing.onSave({ ...input, trustedKeys }, existing, input.share, input.baseVersion);
    const keys = secretKeys(input.name);
    let secretStore: StoredProfile['secretStore'] = existing?.secretStore ?? 'none';
    let auth: StoredProfile['auth'];
    if (input.auth.kind === 'password') {
      auth = { kind: 'password', passwordEnv: input.auth.passwordEnv };
      if (input.auth.passwordEnv) secretStore = 'env';
      else if (input.auth.password) secretStore = await putSecret(keys.password, input.auth.password, true);
      else if (existing?.auth.kind !== 'password') secretStore = 'none';
    } else {
      if (!input.auth.privateKey && !input.auth.keyPath && existing?.auth.kind !== 'key') {
        throw new AppError('INVALID_INPUT', 'error.profiles.keyNeeded');
      }
      auth = { kind: 'key', keyPath: input.auth.keyPath, passphraseEnv: input.auth.passphraseEnv };
      if (input.auth.privateKey) secretStore = await putSecret(keys.privateKey, input.auth.privateKey, true);
      else if (input.auth.keyPath) secretStore = input.auth.passphraseEnv ? 'env' : secretStore === 'none' ? 'none' : secretStore;
      if (input.auth.passphrase) await putSecret(keys.passphrase, input.auth.passphrase, true);
    }
    const stored: StoredProfile = {
      name: input.name,
      host: input.host,
      port: input.port,
      user: input.user,
      auth,
      secretStore,
      trustedKeys,
      clients: input.clients,
      options: input.options,
      sandbox: input.sandbox,
      ...(team ? { team } : {}),
    };
    const all = readAll();
    writeAll(all.some((p) => p.name === stored.name) ? all.map((p) => (p.name === stored.name ? stored : p)) : [...all, stored]);
    await deps.log({ level: 'info', kind: 'profile', profile: stored.name, messageId: existing ? 'connections.activity.updated' : 'connections.activity.created' });
    return stored;
  };

  return {
    async list() {
      await sharing.ready();
      return Promise.all(readAll().map(view));
    },
    async get({ name }) {
      await sharing.ready();
      return view(find(name));
    },
    async save({ profile, replace: allowReplace }) {
      await sharing.ready();
      return exclusive(async () => view(await saveNow(profile, allowReplace)));
    },
    async conflict({ name, profile }) {
      await sharing.ready();
      const mine = profile && ProfileInput.parse(profile);
      return sharing.conflictOf(name, mine && sharedSetupOf({ ...mine, trustedKeys: [...new Set(mine.trustedKeys)] }));
    },
    async resolve({ name, keep, teamVersion, profile }) {
      await sharing.ready();
      if (keep === 'team') return view(await exclusive(async () => sharing.reload(find(name))));
      return exclusive(async () => {
        // Only a shared copy has a team version to keep it over; a local profile that merely has
        // the name of a team profile never overwrites it (sharing it is refused, error.profiles.teamHasName).
        if (!sharing.enabled) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name });
        if (!find(name).team) throw new AppError('INVALID_INPUT', 'error.profiles.nothingToResolve', { name });
        // Compare-and-set against the version the operator compared with: moved again, it is shown again.
        const over = await sharing.stillAt(name, teamVersion);
        const saved = profile ? await saveNow({ ...profile, name, share: true, baseVersion: teamVersion }, true) : await sharing.keepMine(find(name), teamVersion);
        // Who overwrote what: this workstation's entry names the colleague's version it replaced.
        // (The database gone in between leaves it pending, still based on that version: no entry yet.)
        if (saved.team?.state === 'shared') {
          await deps.log({
            level: 'warn',
            kind: 'profile',
            profile: name,
            messageId: 'connections.activity.keptMine',
            values: { me: over.me, version: saved.team.version ?? 0, overwritten: teamVersion, by: over.row.updatedByName },
          });
        }
        return view(saved);
      });
    },
    async remove({ name }) {
      await sharing.ready();
      return exclusive(async () => {
        const found = readAll().find((p) => p.name === name);
        if (!found) return { removed: false };
        // Team mode: the team's copy goes first (a marker, so no other workstation shares it again).
        const markerVersion = await sharing.onRemove(found);
        writeAll(readAll().filter((p) => p.name !== name));
        // Kept with its secret in "Recently removed" for 30 days, so a mistake is undone with everything back.
        await removed.keep(found, { by: operatorName(deps.team), here: true, at: (deps.now ?? Date.now)(), markerVersion });
        await deps.log({ level: 'info', kind: 'profile', profile: name, messageId: 'connections.activity.removed' });
        return { removed: true };
      });
    },
    async removed() {
      await sharing.ready();
      await exclusive(() => removed.purge());
      return Promise.all(removed.list().map((e) => removed.view(e)));
    },
    async restore({ name, id }) {
      await sharing.ready();
      return exclusive(async () => {
        await removed.purge();
        const entry = removed.pick(name, id);
        if (readAll().some((p) => p.name === name)) throw new AppError('ALREADY_EXISTS', 'error.profiles.restoreNameTaken', { name });
        // Team mode: over the team's removal marker first, so a newer profile of the name is never overwritten.
        const team = await sharing.onRestore(entry);
        const { team: _before, ...profile } = await removed.takeBack(entry);
        const back: StoredProfile = team ? { ...profile, team } : profile;
        writeAll([...readAll(), back]);
        await deps.log({ level: 'info', kind: 'profile', profile: name, messageId: 'connections.activity.restored', values: { by: entry.removedBy, at: entry.removedAt } });
        return view(back);
      });
    },
    async probeHostKey({ name }) {
      const p = find(name);
      const probe = await probeHostKey({ host: p.host, port: p.port, timeoutMs: p.options.connectTimeoutSeconds * 1000 });
      return { ...probe, trusted: p.trustedKeys.includes(probe.fingerprint) };
    },
    async trust({ name, fingerprint }) {
      const updated = await exclusive(() => sharing.change(name, (p) => ({ ...p, trustedKeys: [...new Set([...p.trustedKeys, fingerprint])] })));
      await deps.log({ level: 'info', kind: 'host-key', profile: name, messageId: 'connections.activity.hostKeyTrusted', values: { fingerprint } });
      return view(updated);
    },
    async untrust({ name, fingerprint }) {
      const updated = await exclusive(() => sharing.change(name, (p) => ({ ...p, trustedKeys: p.trustedKeys.filter((k) => k !== fingerprint) })));
      await deps.log({ level: 'warn', kind: 'host-key', profile: name, messageId: 'connections.activity.hostKeyUntrusted', values: { fingerprint } });
      return view(updated);
    },
    async setSecret({ name, secret, remember }) {
      // The secret and where it is stay on this workstation: nothing here goes to the team.
      return exclusive(async () => {
        const p = find(name);
        const keys = secretKeys(name);
        const slot = p.auth.kind === 'password' ? keys.password : keys.passphrase;
        const where = await putSecret(slot, secret, remember);
        const updated: StoredProfile = { ...find(name), secretStore: p.auth.kind === 'password' || p.secretStore === 'none' ? where : p.secretStore };
        replace(updated);
        return view(updated);
      });
    },
    async share({ name, shared }) {
      await sharing.ready();
      return view(await exclusive(async () => (shared ? sharing.share(find(name)) : sharing.unshare(find(name)))));
    },
    async reload({ name }) {
      return view(await exclusive(async () => sharing.reload(find(name))));
    },
    async test({ name }) {
      const p = find(name);
      const started = performance.now();
      const session = await connect(name);
      try {
        const latencyMs = Math.round(performance.now() - started);
        const checks = [];
        for (const client of p.clients) {
          for (const [role, dir] of [
            ['upload', client.uploadDir],
            ['logs', client.logDir],
            ['responses', client.responseDir],
          ] as const) {
            const check = await session.checkWritable(dir);
            // An own write: the probe's time measures the server's clock before any send needs it.
            if (check.clock && role === 'upload') await deps.serverClock?.(name, session.fingerprint, check.clock).catch(() => undefined);
            // The SFTP layer's own catalog text where it gives one; else the catalog's sentence around its English words.
            const own = (check as { readonly text?: CatalogText }).text;
            const text: CatalogText = own ?? (check.ok ? { id: 'connections.check.writable', values: { dir } } : { id: 'connections.check.failed', values: { dir, reason: check.message } });
            checks.push({ client: client.name, dir, role, ok: check.ok, message: check.message, text });
          }
        }
        const report = {
          ok: checks.every((c) => c.ok),
          latencyMs,
          serverIdent: session.serverIdent,
          fingerprint: session.fingerprint,
          extensions: [...session.extensions],
          checks,
        };
        await deps.log({
          level: report.ok ? 'info' : 'warn',
          kind: 'test',
          profile: name,
          ...(report.ok
            ? { messageId: 'connections.activity.testPassed', values: { ms: latencyMs } }
            : { messageId: 'connections.activity.testFailed', values: { count: checks.filter((c) => !c.ok).length } }),
        });
        return report;
      } finally {
        await session.end();
      }
    },
    connect,
    async withSession(name, work) {
      const session = await connect(name);
      try {
        return await work(session);
      } finally {
        await session.end();
      }
    },
    stored: find,
    async updateClient(profile, client, change) {
      await sharing.ready();
      await exclusive(() => sharing.change(profile, (p) => ({ ...p, clients: p.clients.map((c) => (c.name === client ? ClientConfig.parse(change(c)) : c)) })));
    },
    startTeamSync: () => sharing.start(),
    stopTeamSync: () => sharing.stop(),
    syncTeam: () => sharing.sync(),
    purgeRemoved: () => exclusive(() => removed.purge()),
  };
}
