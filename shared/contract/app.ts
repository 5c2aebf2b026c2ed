import { z } from 'zod';
import { method, service } from './define';
import { LOCALES } from '../i18n/locale';

/** Facts about the running host the UI shows (which host, which data dir, sandbox state). */
export const AppInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'browser', 'cli', 'memory']),
  dataDir: z.string(),
  pid: z.number(),
  sandbox: z.object({
    running: z.boolean(),
    profile: z.string().nullable(),
    port: z.number().nullable(),
    /** A small recipient list for the sandbox's demo client, so a first send needs no file of one's own. */
    demoList: z.string().nullable().default(null),
  }),
});
export type AppInfo = z.output<typeof AppInfo>;

/** How long personal data is kept, and whether it is encrypted at rest. */
export const DataAtRest = z.object({
  /** Whole days personal data is kept; 0 keeps everything. */
  retentionDays: z.number().int().min(0),
  /** Whether the data file and new send archives are encrypted now. */
  encrypt: z.boolean(),
  /** What the next start does (differs from `encrypt` until the restart after a change). */
  encryptAfterRestart: z.boolean().default(false),
  /** True when this host restarts itself after such a change (the app, `loopdesk serve`). */
  restartable: z.boolean().default(false),
});
export type DataAtRest = z.output<typeof DataAtRest>;

/** What applying a retention setting deleted. */
export const RetentionOutcome = z.object({
  retentionDays: z.number().int().min(0),
  /** ISO time before which data was deleted; null when everything is kept. */
  cutoff: z.string().nullable(),
  responseRows: z.number().int(),
  sends: z.number().int(),
  responseFiles: z.number().int(),
  /** Resend drafts and Excel exports in the data dir. */
  draftAndExportFiles: z.number().int(),
  /** Rejected rows, uploads the browser host received and scratch files. */
  otherFiles: z.number().int().default(0),
  activity: z.number().int(),
});
export type RetentionOutcome = z.output<typeof RetentionOutcome>;

/** What turning encryption on or off did. */
export const EncryptionChange = z.object({
  /** The setting the next start uses. */
  encryptAfterRestart: z.boolean(),
  /** True when the host restarts now to apply it (windows reconnect); false: it applies at the next start. */
  restarting: z.boolean(),
});
export type EncryptionChange = z.output<typeof EncryptionChange>;

/** The language the app speaks, and whether the operator chose it (else it follows the system). */
export const LanguageChoice = z.object({
  language: z.enum(LOCALES),
  /** False while the app follows the system's language (the first start); true once chosen in Settings. */
  chosen: z.boolean(),
});
export type LanguageChoice = z.output<typeof LanguageChoice>;

/** The app itself. */
export const appContract = service('app', {
  info: method('Version, host kind, data dir and sandbox state', z.object({}), AppInfo),
  dataAtRest: method('Retention and encryption settings of this data dir', z.object({}), DataAtRest),
  setRetention: method(
    'Keep personal data this many days (0 = keep everything); older data is deleted now and after every pull',
    z.object({ days: z.number().int().min(0).max(36_500) }),
    RetentionOutcome,
  ),
  setEncryption: method(
    'Turn encryption at rest of the data file and the send archive on or off. Checked first (crypto module, a place for the key); applied by a restart, which the host does at once where it can',
    z.object({ encrypt: z.boolean() }),
    EncryptionChange,
  ),
  language: method("The app's language: the one chosen in Settings, else the system's", z.object({ system: z.string().max(64).optional() }), LanguageChoice),
  setLanguage: method('Choose the language of the app; kept for the next start, and every open window switches at once', z.object({ language: z.enum(LOCALES) }), LanguageChoice),
}, { onLanguage: LanguageChoice });
