import { z } from 'zod';
import { CatalogText } from './catalog-text';
import { method, service } from './define';
import { englishText, type CatalogMessage } from '../i18n/catalog-message';
import { productsFileNameIssue } from './products-file-name';
import { DEFAULT_RESPONSE_FILE_NAMES, responseFileNamesIssue } from './response-file-names';
import { DEFAULT_TIMESTAMP_FORMAT, timestampFormatIssue } from './timestamp-format';

/**
 * Adds a check's problem to the parse: English as zod's `message` (logs, `--json`), the catalog
 * key and values in `params.text`, which the dispatcher hands on so clients say it in their language.
 */
function refuse(ctx: z.RefinementCtx, issue: CatalogMessage | undefined): void {
  if (issue) ctx.addIssue({ code: 'custom', message: englishText(issue), params: { text: { id: issue.id, values: issue.values ?? {} } } });
}

/** Type of a master-list field, as the client setup documents it. */
export const FieldType = z.enum(['Varchar', 'Bigint', 'URL', 'Date']);

/** One column of the client's master recipient list, in upload order. */
export const MasterField = z.object({
  /** Column name as agreed with the vendor (e.g. `Email`, `broadmail_ID`). */
  name: z.string().min(1).max(100),
  type: FieldType,
  /** Maximum length for `Varchar(n)`; ignored for other types. */
  length: z.number().int().positive().max(100000).optional(),
  required: z.boolean().default(false),
});
export type MasterField = z.output<typeof MasterField>;

/** The six fields of the vendor's example master list (spec: "Structure of the main recipient list"). */
export const DEFAULT_MASTER_FIELDS: readonly MasterField[] = [
  { name: 'Email', type: 'Varchar', length: 255, required: true },
  { name: 'broadmail_ID', type: 'Bigint', required: true },
  { name: 'WAVE_ID', type: 'Bigint', required: false },
  { name: 'Salutation', type: 'Varchar', length: 255, required: false },
  { name: 'First name', type: 'Varchar', length: 255, required: false },
  { name: 'Last name', type: 'Varchar', length: 255, required: false },
];

/** Default product fields of the products file (interpretation.md). */
export const DEFAULT_PRODUCT_FIELDS: readonly MasterField[] = [
  { name: 'product_id', type: 'Varchar', length: 255, required: true },
  { name: 'title', type: 'Varchar', length: 255, required: false },
  { name: 'description', type: 'Varchar', length: 4000, required: false },
  { name: 'image_url', type: 'URL', required: false },
  { name: 'link_url', type: 'URL', required: false },
  { name: 'price', type: 'Varchar', length: 50, required: false },
];

/** Decimal digits that fit a signed 64-bit integer; IDs never become JS numbers. */
export const BigintString = z
  .string()
  .regex(/^\d{1,19}$/, 'must be decimal digits')
  // zod runs refinements after a failed regex too: guard the BigInt conversion.
  .refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= 9223372036854775807n, 'must fit in a 64-bit integer');

/** A source mailing created in Smart Campaigns; its ID goes into `broadmail_ID`. */
export const SourceMailing = z.object({
  id: BigintString,
  name: z.string().min(1).max(200),
  notes: z.string().max(2000).default(''),
  retired: z.boolean().default(false),
});
export type SourceMailing = z.output<typeof SourceMailing>;

/** A test recipient; test sends go only to these addresses. */
export const TestRecipient = z.object({
  email: z.string().min(3).max(255),
  name: z.string().max(200).default(''),
});

/** Encodings a recipient file may be written in (interpretation.md). */
export const FileEncoding = z.enum(['utf-8', 'iso-8859-1', 'windows-1252']);

/** What to do with a line break inside a value (interpretation.md, "Line breaks inside a value"). */
export const LineBreakPolicy = z.enum(['space', 'reject', 'keep']);
export type LineBreakPolicy = z.output<typeof LineBreakPolicy>;

/** The products file's default name: the recipient file's stamp, as the spec's example. */
export const DEFAULT_PRODUCTS_FILE_NAME = '{stamp}_products.csv';

/**
 * The dialect of the server's response files. The vendor's default charset is often
 * ISO-8859-1; without a header row the columns follow the spec's tables in order.
 */
export const ResponseDialect = z.object({
  encoding: FileEncoding.default('utf-8'),
  delimiter: z.enum([';', ',', '\t', '|']).default(';'),
  /** True when the first line names the columns; false: the spec's column order. */
  header: z.boolean().default(true),
  /** How timestamps are written: `YYYY-MM-DD HH:mm:ss` (spec) or another layout of the tokens in timestamp-format.ts. */
  timestampFormat: z
    .string()
    .min(1)
    .max(40)
    .default(DEFAULT_TIMESTAMP_FORMAT)
    .superRefine((v, ctx) => refuse(ctx, timestampFormatIssue(v))),
});
export type ResponseDialect = z.output<typeof ResponseDialect>;

/** A client inside a profile: its directories and master list. */
export const ClientConfig = z.object({
  name: z.string().min(1).max(100),
  uploadDir: z.string().min(1).default('upload'),
  logDir: z.string().min(1).default('logs'),
  responseDir: z.string().min(1).default('responses'),
  /** How the response files are named on the server: `{date}` and `{kind}` (response-file-names.ts). */
  responseFileNames: z
    .string()
    .default(DEFAULT_RESPONSE_FILE_NAMES)
    .superRefine((v, ctx) => refuse(ctx, responseFileNamesIssue(v))),
  fields: z.array(MasterField).min(1).default(() => DEFAULT_MASTER_FIELDS.map((f) => ({ ...f }))),
  productFields: z.array(MasterField).min(1).default(() => DEFAULT_PRODUCT_FIELDS.map((f) => ({ ...f }))),
  encoding: FileEncoding.default('utf-8'),
  /** IANA time zone for file-name timestamps; empty means the workstation's. */
  timeZone: z.string().default(''),
  testRecipients: z.array(TestRecipient).default([]),
  mailings: z.array(SourceMailing).default([]),
  /**
   * What happens to a CR/LF inside a value: the vendor text says a line feed ends a record, so a
   * line-based importer would split it (interpretation.md). `space`: replaced by one space and
   * counted as tidied; `reject`: the row is left out with a reason; `keep`: written quoted.
   */
  lineBreaks: LineBreakPolicy.default('space'),
  /** How the products file is named on the server; `{stamp}` is the recipient file's 14-digit stamp. */
  productsFileName: z
    .string()
    .default(DEFAULT_PRODUCTS_FILE_NAME)
    .superRefine((v, ctx) => refuse(ctx, productsFileNameIssue(v))),
  /**
   * Four-eyes approval (team mode): a real send waits in `awaiting_approval` until another team
   * member approves it; test sends never wait.
   */
  fourEyes: z.boolean().default(false),
  /** How the server writes its response files (interpretation.md: a client setting). */
  responseDialect: ResponseDialect.default(() => ResponseDialect.parse({})),
});
export type ClientConfig = z.output<typeof ClientConfig>;

/** How the operator proves identity; secrets themselves live in the secret store. */
export const AuthInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('password'),
    /** Given in the UI: goes to the secret store (or this session only). */
    password: z.string().min(1).optional(),
    /** CLI and servers: the name of an environment variable that holds it; only the name is stored. */
    passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  }),
  z.object({
    kind: z.literal('key'),
    /** A pasted OpenSSH/PEM private key: kept in the secret store like a password. */
    privateKey: z.string().min(1).optional(),
    /** Or the path of a key file the operator already keeps on disk. */
    keyPath: z.string().min(1).optional(),
    passphrase: z.string().min(1).optional(),
    passphraseEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  }),
]);

/** Connection options with operator-friendly defaults. */
export const ConnectionOptions = z.object({
  keepaliveSeconds: z.number().int().min(0).max(3600).default(15),
  connectTimeoutSeconds: z.number().int().min(1).max(600).default(20),
  operationTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
  transferMode: z.enum(['fast', 'plain']).default('fast'),
  legacyAlgorithms: z.boolean().default(false),
  retries: z.number().int().min(0).max(10).default(3),
  pollMinutes: z.number().int().min(1).max(1440).default(10),
  /** Local time of the daily response pull (`HH:MM`); the server exports its files once a day. */
  pullTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('07:00'),
});
export type ConnectionOptions = z.output<typeof ConnectionOptions>;

/** What the operator types to create or update a profile. */
export const ProfileInput = z.object({
  name: z.string().min(1).max(100).regex(/^[^/\\]+$/, 'must not contain slashes'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).max(255),
  auth: AuthInput,
  /** Pinned host keys in OpenSSH's `SHA256:<base64>` form; several allowed for rotation. */
  trustedKeys: z.array(z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/)).default([]),
  clients: z.array(ClientConfig).default([]),
  options: ConnectionOptions.default(() => ConnectionOptions.parse({})),
  /** True for the profile that points at the embedded sandbox. */
  sandbox: z.boolean().default(false),
  /**
   * Team mode: share the set-up (never a secret) with the team. Omitted: a profile keeps its
   * choice; a new one is shared in team mode (README, "Team mode"). The sandbox is never shared.
   */
  share: z.boolean().optional(),
  /**
   * Team mode: the team's version the edit started from (`Profile.team.version`), so a save
   * over another member's newer change is refused. Omitted: this workstation's copy.
   */
  baseVersion: z.number().int().nullable().optional(),
});
export type ProfileInput = z.input<typeof ProfileInput>;

/** How a profile stands with the team (team mode only). */
export const ProfileTeam = z.object({
  /** True when the set-up is shared through the team database. */
  shared: z.boolean(),
  /** The team's version this copy is based on; null when it never reached the team. */
  version: z.number().nullable(),
  /**
   * `local`: not shared; `shared`: the team has this copy; `pending`: changed here while the
   * team database was away, shared when it answers; `conflict`: another member changed or
   * removed it meanwhile, so this copy is not shared until it is reloaded.
   */
  state: z.enum(['local', 'shared', 'pending', 'conflict']),
  /** The workstation that made the team's version (its name). */
  changedBy: z.string().nullable(),
});
export type ProfileTeam = z.output<typeof ProfileTeam>;

/** Team mode: one shared field where this workstation's version and the team's newest differ (never a secret). */
export const ProfileDifference = z.object({
  field: z.enum(['host', 'port', 'user', 'authKind', 'trustedKeys', 'option', 'client']),
  /** The option's key (`pollMinutes`) or the client's name; null for the other fields. */
  key: z.string().nullable(),
  /** For a client on both sides: which of its settings differs (`uploadDir`, `mailings` …); null otherwise. */
  part: z.string().nullable(),
  /** Each side's value as text; null where that side has none (a client only on the other side, no trusted key). */
  mine: z.string().nullable(),
  team: z.string().nullable(),
});
export type ProfileDifference = z.output<typeof ProfileDifference>;

/** Team mode: what differs between this workstation's version of a shared profile and the team's newest. */
export const ProfileConflict = z.object({
  name: z.string(),
  /** The team's newest version; "keep mine" replaces exactly this one (refused when it moved again). */
  teamVersion: z.number(),
  /** The workstation that made it (its name), and when (ISO time). */
  by: z.string(),
  at: z.string(),
  /** True when the team's newest version is a removal. */
  removed: z.boolean(),
  differences: z.array(ProfileDifference),
});
export type ProfileConflict = z.output<typeof ProfileConflict>;

/** A stored profile as shown to the renderer: never carries a secret. */
export const Profile = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  authKind: z.enum(['password', 'key']),
  /** Key file path for key auth from a file. */
  keyPath: z.string().nullable(),
  /** The environment variable the password is read from (its name only; CLI and servers). */
  passwordEnv: z.string().nullable(),
  /** The environment variable a key's passphrase is read from (its name only). */
  passphraseEnv: z.string().nullable(),
  /** Whether a secret is available right now (stored, or given for this session). */
  secretAvailable: z.boolean(),
  /** Where the secret lives: OS keyring, environment variable, this session only, or nowhere. */
  secretStore: z.enum(['keyring', 'safeStorage', 'env', 'session', 'none']),
  trustedKeys: z.array(z.string()),
  clients: z.array(ClientConfig),
  options: ConnectionOptions,
  sandbox: z.boolean(),
  /** Team mode: whether and how the set-up is shared; null outside team mode (and from a host that predates it). */
  team: ProfileTeam.nullable().default(null),
});
export type Profile = z.output<typeof Profile>;

/**
 * A profile as `loopdesk profile export` writes it and `profile import` reads it: everything
 * but the login (clients with their master lists and source mailings, pinned host keys,
 * options). It never carries a secret; import asks for the password variable or key anew.
 */
export const ProfileExport = ProfileInput.omit({ auth: true, share: true, baseVersion: true }).extend({
  /** Identifies the file's format, so a wrong JSON file is refused with a clear message. */
  format: z.literal('loopdesk-profile/1'),
  /** How the profile logs in; the secret itself is never exported. */
  authKind: z.enum(['password', 'key']),
});
export type ProfileExport = z.output<typeof ProfileExport>;

/** Result of a connection test, one line per check. */
export const ConnectionReport = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  serverIdent: z.string(),
  fingerprint: z.string(),
  extensions: z.array(z.string()),
  checks: z.array(
    z.object({
      client: z.string(),
      dir: z.string(),
      role: z.string(),
      ok: z.boolean(),
      /** What the check found, in English (logs, `--json`). */
      message: z.string(),
      /** The same as a catalog message, for clients in another language. */
      text: CatalogText.optional(),
    }),
  ),
});
export type ConnectionReport = z.output<typeof ConnectionReport>;

/** The server's key as first seen, for the operator to trust or reject. */
export const HostKeyProbe = z.object({ fingerprint: z.string(), keyType: z.string(), serverIdent: z.string(), trusted: z.boolean() });

const ByName = z.object({ name: z.string().min(1) });

/** How many days a removed profile stays in "Recently removed" before it is purged with its kept secret. */
export const REMOVED_PROFILE_DAYS = 30;

/**
 * A profile in "Recently removed": its set-up and this workstation's secret are kept for
 * {@link REMOVED_PROFILE_DAYS} days, so a removal made by mistake is undone with `restore`.
 */
export const RemovedProfile = z.object({
  /** Names this removal (a name may have been removed more than once). */
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  authKind: z.enum(['password', 'key']),
  /** The names of its clients. */
  clients: z.array(z.string()),
  /** Team mode: it was shared, so a restore brings it back on every workstation. */
  shared: z.boolean(),
  /** When it was removed (ISO time). */
  removedAt: z.string(),
  /** Who removed it: the workstation's name in team mode, else the operator's user name. */
  removedBy: z.string(),
  /** True when it was removed on this workstation (else another team member removed it). */
  removedHere: z.boolean(),
  /** Whether this workstation kept a password, key or passphrase for it (it comes back with it). */
  secretKept: z.boolean(),
  /** When it is purged for good, its kept secret with it (ISO time). */
  purgeAt: z.string(),
});
export type RemovedProfile = z.output<typeof RemovedProfile>;

/** Connection profiles: servers, credentials, pinned keys and client setups. */
export const profilesContract = service(
  'profiles',
  {
    list: method('List all profiles', z.object({}), z.array(Profile)),
    get: method('One profile by name', ByName, Profile),
    save: method(
      'Create or replace a profile (secrets go to the secret store, never the settings file)',
      z.object({ profile: ProfileInput, replace: z.boolean().default(false) }),
      Profile,
    ),
    remove: method(
      'Remove a profile: it goes to "Recently removed" for 30 days with its stored secret (team mode: from every workstation), and cannot be used to send until restored',
      ByName,
      z.object({ removed: z.boolean() }),
    ),
    removed: method('The recently removed profiles (30 days), newest first, with who removed each and when', z.object({}), z.array(RemovedProfile)),
    restore: method(
      'Bring a recently removed profile back with its kept secret (team mode: on every workstation); `id` picks one removal, else the newest of that name. Refused over a newer profile of the same name',
      z.object({ name: z.string().min(1), id: z.string().min(1).optional() }),
      Profile,
    ),
    probeHostKey: method('Connect far enough to read the server key, without logging in', ByName, HostKeyProbe),
    trust: method(
      'Pin a host key fingerprint (SHA256:…) for a profile',
      z.object({ name: z.string().min(1), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/) }),
      Profile,
    ),
    untrust: method('Remove a pinned host key', z.object({ name: z.string().min(1), fingerprint: z.string() }), Profile),
    setSecret: method(
      'Give the password or passphrase for this session (and keep it in the secret store when possible)',
      z.object({ name: z.string().min(1), secret: z.string().min(1), remember: z.boolean().default(true) }),
      Profile,
    ),
    test: method('Connect, check every client directory is writable, report latency and server identity', ByName, ConnectionReport),
    share: method(
      "Team mode: share a profile's set-up with the team, or stop sharing it here (the team's copy stays for the others)",
      z.object({ name: z.string().min(1), shared: z.boolean() }),
      Profile,
    ),
    reload: method("Team mode: take the team's current set-up of a shared profile (this workstation's unshared changes go; login and secrets stay)", ByName, Profile),
    conflict: method(
      "Team mode: what differs between this version of a shared profile (the edit given, else this workstation's copy) and the team's newest",
      z.object({ name: z.string().min(1), profile: ProfileInput.optional() }),
      ProfileConflict,
    ),
    resolve: method(
      "Team mode: settle a conflict: keep mine (replaces the team's version `teamVersion` as a new version; refused when it moved again) or take the team's",
      z.object({ name: z.string().min(1), keep: z.enum(['mine', 'team']), teamVersion: z.number().int(), profile: ProfileInput.optional() }),
      Profile,
    ),
  },
  {
    /** Team mode: shared profiles changed on another workstation (or were shared here once the team database answered). */
    onTeamChange: z.object({ names: z.array(z.string()) }),
  },
);
