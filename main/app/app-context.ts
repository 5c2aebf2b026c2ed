import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppInfo } from '../../shared/contract/app';
import { Dispatcher, type Services } from '../core/dispatcher';
import { ALL_MIGRATIONS } from './app-migrations';
import { EventBus } from '../core/event-bus';
import { createActivityService, type ActivityService } from '../services/activity/activity-service';
import { createMailingsService } from '../services/mailings/mailings-service';
import { createProfilesService, type ProfilesService } from '../services/profiles/profiles-service';
import { cleanScratch, createRecipientsService } from '../services/recipients/recipients-service';
import { deleteOlderThan } from '../services/responses/response-retention';
import { createPullSchedule } from '../services/responses/pull-schedule';
import { createResponseExportService } from '../services/responses/response-export-service';
import { createResponseGridsService } from '../services/responses/response-grids-service';
import { createResponseMailings } from '../services/responses/response-mailings';
import { createResponsePullService } from '../services/responses/response-pull-service';
import { createResponseReportService } from '../services/responses/response-report-service';
import type { ResponsesService } from '../services/responses/responses-service';
import { createSoftBounceDraftService } from '../services/responses/soft-bounce-draft-service';
import { createSuppressionAdminService } from '../services/responses/suppression-admin-service';
import { createSendsService, type SendsService } from '../services/sends/sends-service';
import { ServerClockStore, serverNameOf } from '../services/sends/server-clock';
import { SuppressionList } from '../services/suppression/suppression-list';
import { clockOffEntry, createSuppressionSync } from '../services/suppression/suppression-sync';
import { keyringNamespace, openKeyringSecretStore, type SecretStore } from '../services/secrets/secret-store';
import { resolveDataKey, type DataKey } from '../services/store/data-key';
import { removeUnneededIncoming } from '../services/store/incoming-files';
import { applyRetention, DATA_AT_REST_SETTINGS, readDataAtRestSettings } from '../services/store/retention';
import { lockDataDir } from '../services/store/data-dir-lock';
import { CRYPTO_EXTENSION_ENV, Database, type DatabaseOptions } from '../services/store/database';
import { checkCryptoModule } from '../services/store/data-file';
import { openSettings, type Settings } from '../services/store/settings';
import type { Locale } from '../../shared/i18n/locale';
import { LANGUAGE_SETTING, languageChoice, mainLanguage } from './language';
import { readTeamSetting, teamStoreFor } from '../services/team/team-settings';
import { createTeamService } from '../services/team/team-status-service';

/** How a host opens the services. */
export interface AppContextOptions {
  readonly dataDir: string;
  readonly host: AppInfo['host'];
  /**
   * The persistent secret store. The Electron host passes safeStorage; omitted, the OS
   * keyring is tried; `null` means none (secrets stay for this session only).
   */
  readonly secrets?: SecretStore | null;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How this host restarts itself (close this context, open a new one on the same data dir),
   * for settings that apply only at start-up (encryption at rest). Omitted: they apply at the next start.
   */
  readonly requestRestart?: () => void;
  /** TESTS ONLY: options for the data file (`insecureTestCrypto`); never set by a host. */
  readonly databaseOptions?: Pick<DatabaseOptions, 'insecureTestCrypto'>;
  /** The system's language tag (`de-DE`); the Electron host passes `app.getLocale()`, others leave it to the environment. */
  readonly systemLocale?: string;
}

/** The running services of one data dir, shared by whatever transports the host offers. */
export interface AppContext {
  readonly dataDir: string;
  readonly dispatcher: Dispatcher;
  readonly bus: EventBus;
  readonly services: Services & { readonly profiles: ProfilesService; readonly sends: SendsService; readonly responses: ResponsesService; readonly activity: ActivityService };
  readonly db: Database;
  readonly settings: Settings;
  /** Sandbox state shown in the status bar; set by the host that started one. */
  sandbox: AppInfo['sandbox'];
  /** Registers work to undo on close (servers, timers), run in reverse order. */
  onClose(cleanup: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** The version from package.json, read once. */
export function appVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The composition root: claims the data dir, opens the data file and settings, and wires
 * every service. The Electron app, the browser host and the CLI all start here.
 */
export async function openAppContext(options: AppContextOptions): Promise<AppContext> {
  const dataDir = resolve(options.dataDir);
  const lock = lockDataDir(dataDir);
  const cleanups: (() => Promise<void> | void)[] = [];
  const env = options.env ?? process.env;
  const settings = openSettings(dataDir);
  const namespace = keyringNamespace(dataDir);
  let db: Database;
  let secrets: SecretStore | undefined;
  let dataKey: DataKey | undefined;
  const atRest = readDataAtRestSettings(settings);
  try {
    secrets = options.secrets === null ? undefined : (options.secrets ?? (await openKeyringSecretStore(namespace)));
    // Personal data at rest: the data file and the send archive are encrypted with a key
    // kept like the other secrets (or LOOPDESK_DATA_KEY on servers) when the operator asks.
    dataKey = await resolveDataKey({ secrets, env, create: atRest.encrypt });
    // With encryption off, a key still found reads a file encrypted before and converts it back to plain.
    const keyOptions = atRest.encrypt ? { encryptionKey: dataKey?.key } : { decryptWith: dataKey?.key };
    db = await Database.open(join(dataDir, 'loopdesk.duckdb'), ALL_MIGRATIONS, { ...keyOptions, cryptoExtension: env[CRYPTO_EXTENSION_ENV], ...options.databaseOptions });
  } catch (e) {
    lock.release();
    throw e;
  }
  const bus = new EventBus();
  // Team mode (`loopdesk team join`): sends are claimed, and shared profiles and the activity log travel, through the team database.
  const teamSetting = readTeamSetting(settings);
  const team = teamSetting ? teamStoreFor(teamSetting, env, secrets) : undefined;
  const activity = createActivityService(db, bus, team);
  // The servers' clocks, measured on Loopdesk's own writes: the connection test's probe and every send's upload.
  const serverClock = new ServerClockStore(db, activity.log, (profile) => serverNameOf(profiles, profile));
  const profiles = createProfilesService({
    settings,
    secrets,
    log: activity.log,
    env,
    team,
    teamChanged: (names) => bus.emit('profiles.onTeamChange', { names: [...names] }),
    serverClock: (profile, fingerprint, sample) => serverClock.record(profile, fingerprint, sample),
  });
  // Removed profiles past their 30 days go at start, with the secrets kept for them (logged).
  await profiles.purgeRemoved();
  const version = appVersion();
  const suppression = new SuppressionList(db);
  const suppressed = () => suppression.lookup();
  await cleanScratch(dataDir);
  const recipients = createRecipientsService({ db, bus, dataDir, profiles, suppressed });
  // New archives are encrypted only while encryption is on; older ones stay readable with the kept key.
  // Team mode: the suppression list is shared. The local table stays the working copy; a real
  // send is validated only after a pull from the team (unreachable: refused, TEAM_UNAVAILABLE).
  const suppressionSync = team
    ? createSuppressionSync(db, team, {
        onSuperseded: (lost) =>
          activity.log({
            level: 'warn',
            kind: 'suppression',
            profile: null,
            messageId: 'responses.activity.suppressionSuperseded',
            values: { count: lost.length },
            details: lost.map((c) => `${c.email} ${c.removed ? 'removed' : 'suppressed'} ${c.changedAt.toISOString()}`).join('\n'),
          }),
        onClockOff: (offsetMs) => activity.log(clockOffEntry(offsetMs)),
      })
    : undefined;
  const suppressedForSend = suppressionSync ? async () => (await suppressionSync.sync(), suppression.lookup()) : suppressed;
  const sends = createSendsService({
    db,
    bus,
    dataDir,
    profiles,
    log: activity.log,
    suppressed: suppressedForSend,
    language: () => mainLanguage(settings, options.systemLocale),
    dataKey: atRest.encrypt ? dataKey?.key : undefined,
    team,
    serverClock,
    // Each scheduler pass (the first at start): listen for the others' changes, push and pull.
    teamPass: suppressionSync ? () => void suppressionSync.watch().then(() => suppressionSync.soon()) : undefined,
  });
  await sends.removeOrphans();
  // The screen can change it while running; the pull schedule applies it after every pull.
  let retentionDays = atRest.retentionDays;
  const retain = async () => {
    if (retentionDays === 0) return undefined;
    const report = await applyRetention(db, dataDir, { days: retentionDays, deleteResponseRows: deleteOlderThan });
    // Team mode: this workstation's entries leave the team's log with the same cutoff (in the background: the database may be away).
    if (report.cutoff) void activity.team?.purge(new Date(report.cutoff));
    await activity.log({ level: 'info', kind: 'retention', messageId: 'settings.activity.retentionApplied', values: { days: retentionDays, cutoff: report.cutoff ? Date.parse(report.cutoff) : 0 }, details: JSON.stringify(report) });
    return report;
  };
  await retain();
  // Spreadsheets the browser host received go once their send no longer needs them: checked at
  // start (drafts left from earlier days) and whenever a send ends.
  let tidying: Promise<unknown> = removeUnneededIncoming(db, dataDir);
  await tidying;
  const stopTidying = bus.on('sends.onChanged', (send) => {
    const state = (send as { state?: string }).state;
    if (state !== 'sent' && state !== 'cancelled') return;
    tidying = tidying.then(() => removeUnneededIncoming(db, dataDir)).catch((e) => console.error('[loopdesk] removing received spreadsheets failed', e));
  });
  const mailings = createMailingsService({ db, profiles });
  // The responses contract is one service for clients and parts with one job each here; the
  // type of `responses` makes sure together they implement every method of the contract.
  const responseMailings = createResponseMailings({ db, profiles, journal: sends.journal });
  const responsePull = createResponsePullService({ db, bus, dataDir, profiles, log: activity.log, afterPull: async () => void (await retain(), suppressionSync?.soon()) });
  const responses: ResponsesService = {
    ...responsePull,
    ...createResponseGridsService({ db, mailings: responseMailings }),
    ...createResponseReportService({ db }),
    ...createResponseExportService({ db, bus, dataDir, log: activity.log }),
    ...createSoftBounceDraftService({ db, dataDir, profiles, journal: sends.journal, mailings: responseMailings, dataKey: dataKey?.key }),
    ...createSuppressionAdminService({ db, dataDir, log: activity.log, changed: suppressionSync ? () => suppressionSync.soon() : undefined }),
    ...createPullSchedule({ profiles, pull: responsePull.pull, log: activity.log }),
  };

  const context: AppContext = {
    dataDir,
    bus,
    db,
    settings,
    sandbox: { running: false, profile: null, port: null, demoList: null },
    services: undefined as never,
    dispatcher: undefined as never,
    onClose(cleanup) {
      cleanups.push(cleanup);
    },
    async close() {
      await sends.stopScheduler();
      await suppressionSync?.close();
      await profiles.stopTeamSync();
      await activity.close();
      await team?.close();
      await responses.stopPullSchedule();
      stopTidying();
      await tidying;
      for (const cleanup of cleanups.reverse()) {
        await Promise.resolve(cleanup()).catch((e) => console.error('[loopdesk] cleanup failed', e));
      }
      await db.close();
      lock.release();
    },
  };
  const services = {
    app: {
      async info() {
        return { version, host: options.host, dataDir, pid: process.pid, sandbox: context.sandbox };
      },
      async dataAtRest() {
        return { retentionDays, encrypt: atRest.encrypt, encryptAfterRestart: readDataAtRestSettings(settings).encrypt, restartable: options.requestRestart !== undefined };
      },
      async setEncryption({ encrypt }: { encrypt: boolean }) {
        if (encrypt) {
          // Checked before anything is promised: the crypto module that writes encrypted files, and a kept key.
          await checkCryptoModule({ cryptoExtension: env[CRYPTO_EXTENSION_ENV], ...options.databaseOptions });
          await resolveDataKey({ secrets, env, create: true });
        }
        settings.set(DATA_AT_REST_SETTINGS.encrypt, encrypt);
        await activity.log({ level: 'info', kind: 'settings', messageId: encrypt ? 'encryption.activity.turnedOn' : 'encryption.activity.turnedOff' });
        const restarting = encrypt !== atRest.encrypt && options.requestRestart !== undefined;
        // After this reply has gone out: the host closes this context and opens a new one.
        if (restarting) setTimeout(() => options.requestRestart?.(), 200);
        return { encryptAfterRestart: encrypt, restarting };
      },
      async language({ system }: { system?: string }) {
        return languageChoice(settings, system ?? options.systemLocale);
      },
      async setLanguage({ language }: { language: Locale }) {
        settings.set(LANGUAGE_SETTING, language);
        const choice = languageChoice(settings, options.systemLocale);
        bus.emit('app.onLanguage', choice);
        return choice;
      },
      async setRetention({ days }: { days: number }) {
        settings.set(DATA_AT_REST_SETTINGS.retentionDays, days);
        retentionDays = days;
        if (days === 0) await activity.log({ level: 'info', kind: 'retention', messageId: 'settings.activity.retentionOff' });
        const report = await retain();
        return {
          retentionDays: days,
          cutoff: report?.cutoff ?? null,
          responseRows: Object.values(report?.responseRows ?? {}).reduce((a, b) => a + b, 0),
          sends: report?.sends ?? 0,
          responseFiles: report?.responseFiles ?? 0,
          draftAndExportFiles: report?.draftAndExportFiles ?? 0,
          otherFiles: report?.otherFiles ?? 0,
          activity: report?.activity ?? 0,
        };
      },
    },
    profiles,
    activity,
    recipients,
    sends,
    mailings,
    responses,
    team: createTeamService(teamSetting, team),
  };
  Object.assign(context, { services, dispatcher: new Dispatcher(services) });
  return context;
}
