import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { z } from 'zod';
import { BigintString, DEFAULT_MASTER_FIELDS, DEFAULT_PRODUCT_FIELDS, MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { hashId11 } from './prng';

/** A tracked link of a source mailing; every copy of the mailing carries it. */
export const SandboxLink = z.object({ name: z.string().min(1), url: z.string().min(1) });
export type SandboxLink = z.output<typeof SandboxLink>;

/** A source mailing as the server knows it (Smart Campaigns side). */
export const SandboxMailing = z.object({
  id: BigintString,
  name: z.string().min(1),
  /** Campaign ID in Smart Campaigns (`compoundMasterId` in the export). */
  campaignId: BigintString,
  /** An activated source mailing cannot be copied: uploads naming it fail. */
  activated: z.boolean().default(false),
  /**
   * Deactivated in Smart Campaigns after the upload was imported: the import succeeds and the
   * copy is created, but starting it fails. This is the vendor's second error case ("Error when
   * mailing is started after data import"); set it to rehearse that case.
   */
  deactivated: z.boolean().default(false),
  links: z.array(SandboxLink).default([]),
});
export type SandboxMailing = z.output<typeof SandboxMailing>;

/** One client (sub-directory) of the interface and its master-list setup. */
export const SandboxClient = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
  fields: z.array(MasterField).min(1),
  productFields: z.array(MasterField).min(1),
  /** Master-list fields that hold product IDs; checked against the products file. */
  productIdFields: z.array(z.string()).default([]),
  /** The field holding the e-mail address. */
  emailField: z.string().default('Email'),
  /** The field holding the source mailing ID. */
  mailingIdField: z.string().default('broadmail_ID'),
  /** The products-file field holding the product ID, title and link. */
  productIdColumn: z.string().default('product_id'),
  productTitleColumn: z.string().default('title'),
  productUrlColumn: z.string().default('link_url'),
  encoding: z.enum(['utf-8', 'iso-8859-1', 'windows-1252']).default('utf-8'),
  /** Recipient list ID (`mailing.recipientLists` in the export). */
  recipientListId: BigintString,
  mailings: z.array(SandboxMailing).min(1),
  /**
   * Fault switch for rehearsing a full disk: the most bytes the client's directory tree may hold.
   *
   * An SFTP WRITE that would grow it beyond this answers SSH_FX_FAILURE ("Failure"), exactly
   * what OpenSSH's sftp-server sends on ENOSPC, so the client sees a real full disk. Files the
   * server side writes itself (logs, responses) count towards it but are never refused. Absent
   * (the default): no limit. Deleting files in the tree makes room again at once.
   */
  diskQuotaBytes: z.number().int().min(0).optional(),
  /**
   * Whether an error stops the interface (`logs/HALTED`) until it is restarted. The vendor text
   * makes this configurable during implementation and says it can be switched off afterwards;
   * on (the default), as most installations start. Off: the error file is written and the next
   * uploads are still processed.
   */
  haltOnError: z.boolean().default(true),
});
export type SandboxClient = z.output<typeof SandboxClient>;

/** Probabilities that shape the simulated responses; each is per recipient unless noted. */
export const SandboxRates = z.object({
  couldNotBeSent: z.number().min(0).max(1).default(0.01),
  fatalBounce: z.number().min(0).max(1).default(0.02),
  bounce: z.number().min(0).max(1).default(0.01),
  temporaryBounce: z.number().min(0).max(1).default(0.01),
  autoresponder: z.number().min(0).max(1).default(0.02),
  unknown: z.number().min(0).max(1).default(0.005),
  open: z.number().min(0).max(1).default(0.4),
  /** Chance of each further open after one, so repeats thin out geometrically. */
  repeatOpen: z.number().min(0).max(0.95).default(0.35),
  /** Of the recipients who opened. */
  click: z.number().min(0).max(1).default(0.35),
  /** Of the clickers: clicks more than one link. */
  multiClick: z.number().min(0).max(1).default(0.3),
  /** Of the clicks: another click in the same second. */
  burst: z.number().min(0).max(1).default(0.15),
  unsubscribe: z.number().min(0).max(1).default(0.01),
  /** Recipients sent per second, so large files take a while, as on the real server. */
  sendPerSecond: z.number().int().min(1).max(100000).default(50),
});
export type SandboxRates = z.output<typeof SandboxRates>;

/** `sandbox.json`: everything the emulated server side is configured with. */
export const SandboxConfig = z.object({
  version: z.literal(1).default(1),
  /** Default seed; `startSandbox({seed})` overrides it. */
  seed: z.string().min(1),
  users: z.array(z.object({ name: z.string().min(1), password: z.string().min(8) })).min(1),
  /** Daily response export time, local `HH:MM`. */
  exportAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('06:00'),
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** Response file name; `{date}` is `YYYYMMDD`, `{kind}` one of the seven kinds. */
  responseFileName: z.string().default('{date}_{kind}.csv'),
  rates: SandboxRates.default(() => SandboxRates.parse({})),
  clients: z.array(SandboxClient).min(1),
});
export type SandboxConfig = z.output<typeof SandboxConfig>;

/** Where the sandbox keeps what inside its root. */
export interface SandboxPaths {
  readonly root: string;
  readonly config: string;
  readonly hostKey: string;
  readonly authorizedKeys: string;
  /** The directory SFTP users are chrooted to. */
  readonly sftpRoot: string;
  /** Private state (taken uploads, ledger); never visible over SFTP. */
  readonly stateDir: string;
}

/** The fixed layout below a sandbox root. */
export function sandboxPaths(root: string): SandboxPaths {
  const r = path.resolve(root);
  return {
    root: r,
    config: path.join(r, 'sandbox.json'),
    hostKey: path.join(r, 'host_key'),
    authorizedKeys: path.join(r, 'authorized_keys'),
    sftpRoot: path.join(r, 'sftp'),
    stateDir: path.join(r, 'state'),
  };
}

const LINK_SETS: readonly (readonly SandboxLink[])[] = [
  [
    { name: 'Sale overview', url: 'https://shop.example.com/sale' },
    { name: 'Newsletter archive', url: 'https://www.example.com/newsletter' },
    { name: 'Impressum', url: 'https://www.example.com/impressum' },
  ],
  [
    { name: 'New arrivals', url: 'https://shop.example.com/new' },
    { name: 'Store finder', url: 'https://www.example.com/stores' },
    { name: 'Customer service', url: 'https://www.example.com/help' },
    { name: 'Impressum', url: 'https://www.example.com/impressum' },
  ],
  [
    { name: 'Your cart', url: 'https://shop.example.com/cart' },
    { name: 'Delivery information', url: 'https://www.example.com/delivery' },
    { name: 'Impressum', url: 'https://www.example.com/impressum' },
  ],
];

/**
 * The config a fresh root starts with: one client `demo`, three usable source mailings,
 * one activated mailing (its import fails) and one deactivated mailing (its import works and
 * the start fails), so both error cases of the vendor text can be shown, the default master list plus
 * `product_1`, `product_2`, and a user `loopdesk` with a generated password.
 *
 * IDs derive from the seed so two roots created with the same seed behave identically.
 */
export function defaultConfig(seed: string, password: string): SandboxConfig {
  const names = ['Weekly newsletter', 'New arrivals', 'Abandoned cart reminder'];
  const mailings: SandboxMailing[] = names.map((name, i) => ({
    id: hashId11(seed, 'source-mailing', i),
    name,
    campaignId: hashId11(seed, 'campaign', i),
    activated: false,
    deactivated: false,
    links: LINK_SETS[i].map((l) => ({ ...l })),
  }));
  mailings.push({
    id: hashId11(seed, 'source-mailing', 'activated'),
    name: 'Spring sale (activated, cannot be copied)',
    campaignId: hashId11(seed, 'campaign', 'activated'),
    activated: true,
    deactivated: false,
    links: [{ name: 'Spring sale', url: 'https://shop.example.com/spring' }],
  });
  mailings.push({
    id: hashId11(seed, 'source-mailing', 'deactivated'),
    name: 'Winter clearance (deactivated: imports, then fails to start)',
    campaignId: hashId11(seed, 'campaign', 'deactivated'),
    activated: false,
    deactivated: true,
    links: [{ name: 'Winter clearance', url: 'https://shop.example.com/winter' }],
  });
  const productField = (name: string): MasterField => ({ name, type: 'Varchar', length: 255, required: false });
  return SandboxConfig.parse({
    version: 1,
    seed,
    users: [{ name: 'loopdesk', password }],
    clients: [
      {
        name: 'demo',
        fields: [...DEFAULT_MASTER_FIELDS.map((f) => ({ ...f })), productField('product_1'), productField('product_2')],
        productFields: DEFAULT_PRODUCT_FIELDS.map((f) => ({ ...f })),
        productIdFields: ['product_1', 'product_2'],
        recipientListId: hashId11(seed, 'recipient-list', 'demo'),
        mailings,
      },
    ],
  });
}

/** Writes a file so a reader sees either the old or the new content, never half. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, data, mode === undefined ? undefined : { mode });
  if (mode !== undefined) await chmod(tmp, mode);
  await rename(tmp, file);
}

/** Loaded config and host key of a root, created on first start. */
export interface LoadedRoot {
  readonly paths: SandboxPaths;
  readonly config: SandboxConfig;
  readonly hostKey: string;
  /** True when this call created `sandbox.json` (the root's first start). */
  readonly created: boolean;
}

/**
 * Reads (or on first start creates) `sandbox.json` and the host key, and makes the
 * per-client directories. A broken config is reported, never silently replaced, because
 * it may hold the operator's own client setup.
 */
export async function loadOrCreateRoot(root: string, seed?: string): Promise<LoadedRoot> {
  const paths = sandboxPaths(root);
  await mkdir(paths.root, { recursive: true });
  let config: SandboxConfig;
  const text = await readFile(paths.config, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  const created = text === null;
  if (text === null) {
    config = defaultConfig(seed ?? randomBytes(8).toString('hex'), randomBytes(18).toString('base64url'));
    await writeFileAtomic(paths.config, JSON.stringify(config, null, 2) + '\n', 0o600);
  } else {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new AppError('INVALID_INPUT', 'error.sandbox.configNotJson', { path: paths.config, reason: (e as Error).message }, { path: paths.config });
    }
    const parsed = SandboxConfig.safeParse(raw);
    if (!parsed.success) {
      throw new AppError(
        'INVALID_INPUT',
        'error.sandbox.configInvalid',
        { path: paths.config, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
        { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      );
    }
    config = parsed.data;
  }

  let hostKey = await readFile(paths.hostKey, 'utf8').catch(() => null);
  // A key ssh2 cannot read never let this sandbox start (see newHostKey): replace it.
  if (hostKey === null || ssh2.utils.parseKey(hostKey) instanceof Error) {
    hostKey = newHostKey();
    await writeFileAtomic(paths.hostKey, hostKey, 0o600);
  }

  await mkdir(paths.stateDir, { recursive: true });
  for (const c of config.clients) {
    for (const d of ['upload', 'logs', 'responses']) await mkdir(path.join(paths.sftpRoot, c.name, d), { recursive: true });
    await mkdir(path.join(paths.stateDir, c.name, 'taken'), { recursive: true });
  }
  return { paths, config, hostKey, created };
}

/** OpenSSH-style `SHA256:<base64 without padding>` fingerprint of a host key. */
/**
 * A new ed25519 host key (OpenSSH format) that ssh2 reads back. ssh2's generator strips leading
 * zero bytes from the public key, so about one key in 256 is one its own parser rejects ("Malformed
 * OpenSSH private key", a known ssh2 bug); the sandbox then could not start. Such keys are dropped.
 */
export function newHostKey(): string {
  for (let i = 0; i < 20; i++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair.private;
  }
  throw new Error('ssh2 made 20 ed25519 host keys in a row that it cannot read back.');
}

export function hostKeyFingerprint(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new AppError('INVALID_INPUT', 'error.sandbox.hostKeyUnreadable', { reason: parsed.message });
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return 'SHA256:' + createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '');
}

/** The host key's public line (`ssh-ed25519 AAAA…`), for a known_hosts file. */
export function hostPublicKeyLine(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
