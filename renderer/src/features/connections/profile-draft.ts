import {
  DEFAULT_MASTER_FIELDS,
  DEFAULT_PRODUCT_FIELDS,
  DEFAULT_PRODUCTS_FILE_NAME,
  ResponseDialect,
  type ClientConfig,
  type MasterField,
  type Profile,
  type ProfileInput,
} from '../../../../shared/contract/profiles';
import { productsFileNameIssue } from '../../../../shared/contract/products-file-name';
import { DEFAULT_RESPONSE_FILE_NAMES, responseFileNamesIssue } from '../../../../shared/contract/response-file-names';
import { timestampFormatIssue } from '../../../../shared/contract/timestamp-format';
import type { MessageId } from '../../../../shared/i18n/messages';

/** One master-list field as the form holds it (numbers stay text until saved). */
export interface FieldDraft {
  readonly name: string;
  readonly type: MasterField['type'];
  readonly length: string;
  readonly required: boolean;
}

/** One source mailing row in the form. */
export interface MailingDraft {
  readonly id: string;
  readonly name: string;
  readonly notes: string;
  readonly retired: boolean;
}

/** One client of a profile as the form holds it. */
export interface ClientDraft {
  readonly name: string;
  readonly uploadDir: string;
  readonly logDir: string;
  readonly responseDir: string;
  /** Pattern of the response file names, with {date} and {kind}. */
  readonly responseFileNames: string;
  readonly encoding: ClientConfig['encoding'];
  readonly timeZone: string;
  readonly lineBreaks: ClientConfig['lineBreaks'];
  /** Four-eyes approval of real sends (team mode). */
  readonly fourEyes: boolean;
  /** Pattern of the products file name, with {stamp}. */
  readonly productsFileName: string;
  readonly responseDialect: ClientConfig['responseDialect'];
  /** One recipient per line: `email` or `email, name`. */
  readonly testRecipients: string;
  readonly mailings: readonly MailingDraft[];
  readonly fields: readonly FieldDraft[];
  readonly productFields: readonly FieldDraft[];
}

/** Connection options as text, exactly as typed. */
export interface OptionsDraft {
  readonly keepaliveSeconds: string;
  readonly connectTimeoutSeconds: string;
  readonly operationTimeoutSeconds: string;
  readonly retries: string;
  readonly pollMinutes: string;
  /** Local time of the daily response pull, `HH:MM`. */
  readonly pullTime: string;
  readonly transferMode: 'fast' | 'plain';
  readonly legacyAlgorithms: boolean;
}

/** Everything the connection form edits. Secrets are only ever typed, never loaded. */
export interface ProfileDraft {
  readonly name: string;
  readonly host: string;
  readonly port: string;
  readonly user: string;
  readonly authKind: 'password' | 'key';
  readonly password: string;
  readonly privateKey: string;
  readonly passphrase: string;
  readonly options: OptionsDraft;
  readonly clients: readonly ClientDraft[];
  readonly trustedKeys: readonly string[];
  readonly sandbox: boolean;
  /** Team mode: share the set-up with the team; undefined outside team mode (the service decides). */
  readonly share?: boolean;
  /** Team mode: the team's version this form started from, so a save over a newer one is refused. */
  readonly baseVersion?: number | null;
}

/** A value of a {@link ProblemText}: text, a number, or another message (a field's name, a client's). */
export type ProblemValue = string | number | ProblemText;

/** A sentence about what the operator typed, as a catalog key and values, so it shows in the reader's language. */
export interface ProblemText {
  readonly id: MessageId;
  readonly values?: Readonly<Record<string, ProblemValue>>;
}

/** A problem with what the operator typed; `field` names the form field (English, stable: tests and focus use it). */
export interface DraftProblem {
  readonly field: string;
  readonly text: ProblemText;
}

/** The sentence of a {@link ProblemText} in the language of `t`, with nested messages resolved first. */
export function problemText(t: (id: MessageId, values?: Record<string, string | number>) => string, p: ProblemText): string {
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p.values ?? {})) values[k] = typeof v === 'object' ? problemText(t, v) : v;
  return t(p.id, values);
}

function fieldDraft(f: MasterField): FieldDraft {
  return { name: f.name, type: f.type, length: f.length === undefined ? '' : String(f.length), required: f.required };
}

/** The six standard master-list fields of the spec, as form rows. */
export function defaultFieldDrafts(): FieldDraft[] {
  return DEFAULT_MASTER_FIELDS.map(fieldDraft);
}

/** The standard product-file fields, as form rows. */
export function defaultProductFieldDrafts(): FieldDraft[] {
  return DEFAULT_PRODUCT_FIELDS.map(fieldDraft);
}

/** A new client with the spec's defaults, named after its position. */
export function emptyClientDraft(name: string): ClientDraft {
  return {
    name,
    uploadDir: 'upload',
    logDir: 'logs',
    responseDir: 'responses',
    responseFileNames: DEFAULT_RESPONSE_FILE_NAMES,
    encoding: 'utf-8',
    timeZone: '',
    lineBreaks: 'space',
    fourEyes: false,
    productsFileName: DEFAULT_PRODUCTS_FILE_NAME,
    responseDialect: ResponseDialect.parse({}),
    testRecipients: '',
    mailings: [],
    fields: defaultFieldDrafts(),
    productFields: defaultProductFieldDrafts(),
  };
}

/** The form for a new connection: operator-friendly defaults, one client. */
export function emptyProfileDraft(): ProfileDraft {
  return {
    name: '',
    host: '',
    port: '22',
    user: '',
    authKind: 'password',
    password: '',
    privateKey: '',
    passphrase: '',
    options: {
      keepaliveSeconds: '15',
      connectTimeoutSeconds: '20',
      operationTimeoutSeconds: '60',
      retries: '3',
      pollMinutes: '10',
      pullTime: '07:00',
      transferMode: 'fast',
      legacyAlgorithms: false,
    },
    clients: [emptyClientDraft('Main')],
    trustedKeys: [],
    sandbox: false,
  };
}

/** The form for editing a stored profile; secret fields start empty ("keep what is stored"). */
export function draftFromProfile(p: Profile): ProfileDraft {
  return {
    name: p.name,
    host: p.host,
    port: String(p.port),
    user: p.user,
    authKind: p.authKind,
    password: '',
    privateKey: '',
    passphrase: '',
    options: {
      keepaliveSeconds: String(p.options.keepaliveSeconds),
      connectTimeoutSeconds: String(p.options.connectTimeoutSeconds),
      operationTimeoutSeconds: String(p.options.operationTimeoutSeconds),
      retries: String(p.options.retries),
      pollMinutes: String(p.options.pollMinutes),
      pullTime: p.options.pullTime,
      transferMode: p.options.transferMode,
      legacyAlgorithms: p.options.legacyAlgorithms,
    },
    clients: p.clients.map((c) => ({
      name: c.name,
      uploadDir: c.uploadDir,
      logDir: c.logDir,
      responseDir: c.responseDir,
      responseFileNames: c.responseFileNames,
      encoding: c.encoding,
      timeZone: c.timeZone,
      lineBreaks: c.lineBreaks,
      fourEyes: c.fourEyes,
      productsFileName: c.productsFileName,
      responseDialect: { ...c.responseDialect },
      testRecipients: c.testRecipients.map((t) => (t.name ? `${t.email}, ${t.name}` : t.email)).join('\n'),
      mailings: c.mailings.map((m) => ({ id: m.id, name: m.name, notes: m.notes, retired: m.retired })),
      fields: c.fields.map(fieldDraft),
      productFields: c.productFields.map(fieldDraft),
    })),
    trustedKeys: [...p.trustedKeys],
    sandbox: p.sandbox,
    ...(p.team ? { share: p.team.shared } : {}),
    ...(p.team?.shared ? { baseVersion: p.team.version } : {}),
  };
}

function wholeNumber(text: string, field: string, name: ProblemText, min: number, max: number, problems: DraftProblem[]): number {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < min || n > max) {
    problems.push({ field, text: { id: 'connections.problem.wholeNumber', values: { field: name, min, max } } });
    return min;
  }
  return n;
}

function fieldsFromDrafts(drafts: readonly FieldDraft[], where: string, list: ProblemText, problems: DraftProblem[]): MasterField[] {
  if (drafts.length === 0) problems.push({ field: where, text: { id: 'connections.problem.needsField', values: { list } } });
  const seen = new Set<string>();
  return drafts.map((f, i) => {
    const label = `${where}, field ${i + 1}`;
    const field: ProblemText = { id: 'connections.problem.listField', values: { list, n: i + 1 } };
    const name = f.name.trim();
    if (!name) problems.push({ field: label, text: { id: 'connections.problem.fieldNoName', values: { field } } });
    if (seen.has(name.toLowerCase())) problems.push({ field: label, text: { id: 'connections.problem.fieldTwice', values: { field, name } } });
    seen.add(name.toLowerCase());
    const length =
      f.type === 'Varchar' && f.length.trim() !== ''
        ? wholeNumber(f.length, `${label} length`, { id: 'connections.problem.fieldLength', values: { field } }, 1, 100000, problems)
        : undefined;
    return length === undefined ? { name, type: f.type, required: f.required } : { name, type: f.type, length, required: f.required };
  });
}

/**
 * Turns the form into the contract's ProfileInput, or lists what the operator must fix.
 * `editing` means the profile exists: an empty password then keeps the stored one.
 */
export function draftToInput(d: ProfileDraft, editing: boolean): { input: ProfileInput; problems: [] } | { input: null; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const name = d.name.trim();
  if (!name) problems.push({ field: 'Connection name', text: { id: 'connections.problem.nameMissing' } });
  if (/[/\\]/.test(name)) problems.push({ field: 'Connection name', text: { id: 'connections.problem.nameSlash' } });
  if (!d.host.trim()) problems.push({ field: 'Host', text: { id: 'connections.problem.hostMissing' } });
  if (!d.user.trim()) problems.push({ field: 'User', text: { id: 'connections.problem.userMissing' } });
  const port = wholeNumber(d.port, 'Port', { id: 'connections.problem.name.port' }, 1, 65535, problems);

  let auth: ProfileInput['auth'];
  if (d.authKind === 'password') {
    auth = d.password ? { kind: 'password', password: d.password } : { kind: 'password' };
  } else {
    if (!d.privateKey.trim()) problems.push({ field: 'Private key', text: { id: editing ? 'connections.problem.keyAgain' : 'connections.problem.keyMissing' } });
    auth = d.passphrase ? { kind: 'key', privateKey: d.privateKey, passphrase: d.passphrase } : { kind: 'key', privateKey: d.privateKey };
  }

  const o = d.options;
  const options = {
    keepaliveSeconds: wholeNumber(o.keepaliveSeconds, 'Keepalive interval', { id: 'connections.problem.name.keepalive' }, 0, 3600, problems),
    connectTimeoutSeconds: wholeNumber(o.connectTimeoutSeconds, 'Connect timeout', { id: 'connections.problem.name.connectTimeout' }, 1, 600, problems),
    operationTimeoutSeconds: wholeNumber(o.operationTimeoutSeconds, 'Operation timeout', { id: 'connections.problem.name.operationTimeout' }, 1, 3600, problems),
    retries: wholeNumber(o.retries, 'Retries', { id: 'connections.problem.name.retries' }, 0, 10, problems),
    pollMinutes: wholeNumber(o.pollMinutes, 'Status check interval', { id: 'connections.problem.name.pollMinutes' }, 1, 1440, problems),
    pullTime: o.pullTime.trim(),
    transferMode: o.transferMode,
    legacyAlgorithms: o.legacyAlgorithms,
  };

  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(options.pullTime)) {
    problems.push({ field: 'Daily response pull', text: { id: 'connections.problem.pullTime', values: { value: options.pullTime } } });
  }

  const clientNames = new Set<string>();
  const clients = d.clients.map((c, ci) => {
    const where = c.name.trim() ? `Client “${c.name.trim()}”` : `Client ${ci + 1}`;
    const clientRef: ProblemText = c.name.trim() ? { id: 'connections.problem.clientNamed', values: { name: c.name.trim() } } : { id: 'connections.problem.clientNumber', values: { n: ci + 1 } };
    if (!c.name.trim()) problems.push({ field: `${where} name`, text: { id: 'connections.problem.clientNoName', values: { client: clientRef } } });
    if (clientNames.has(c.name.trim().toLowerCase())) problems.push({ field: `${where} name`, text: { id: 'connections.problem.clientTwice', values: { name: c.name.trim() } } });
    clientNames.add(c.name.trim().toLowerCase());
    for (const [label, dir, value] of [
      ['upload directory', 'upload', c.uploadDir],
      ['log directory', 'log', c.logDir],
      ['response directory', 'response', c.responseDir],
    ] as const) {
      if (!value.trim()) problems.push({ field: `${where} ${label}`, text: { id: 'connections.problem.dirEmpty', values: { client: clientRef, dir } } });
    }
    const inClient = (field: string, problem: ProblemText | undefined) => {
      if (problem) problems.push({ field: `${where} ${field}`, text: { id: 'connections.problem.inClient', values: { client: clientRef, problem } } });
    };
    inClient('response file names', responseFileNamesIssue(c.responseFileNames.trim()));
    inClient('products file name', productsFileNameIssue(c.productsFileName.trim()));
    inClient('timestamp format', timestampFormatIssue(c.responseDialect.timestampFormat.trim()));
    const testRecipients = c.testRecipients
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line, i) => {
        const [email, ...rest] = line.split(',');
        const addr = email.trim();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(addr)) {
          problems.push({ field: `${where} test recipients`, text: { id: 'connections.problem.testRecipient', values: { client: clientRef, line: i + 1, address: addr } } });
        }
        return { email: addr, name: rest.join(',').trim() };
      });
    const mailingIds = new Set<string>();
    const mailings = c.mailings.map((m, mi) => {
      const id = m.id.trim();
      const label = `${where}, mailing ${mi + 1}`;
      const mailing: ProblemText = { id: 'connections.problem.mailingN', values: { client: clientRef, n: mi + 1 } };
      if (!/^\d{1,19}$/.test(id) || BigInt(id) > 9223372036854775807n) problems.push({ field: `${label} ID`, text: { id: 'connections.problem.mailingId', values: { mailing } } });
      if (mailingIds.has(id)) problems.push({ field: `${label} ID`, text: { id: 'connections.problem.mailingTwice', values: { mailing, id } } });
      mailingIds.add(id);
      if (!m.name.trim()) problems.push({ field: `${label} name`, text: { id: 'connections.problem.mailingNoName', values: { mailing } } });
      return { id, name: m.name.trim(), notes: m.notes, retired: m.retired };
    });
    const client: ClientConfig = {
      name: c.name.trim(),
      uploadDir: c.uploadDir.trim(),
      logDir: c.logDir.trim(),
      responseDir: c.responseDir.trim(),
      responseFileNames: c.responseFileNames.trim(),
      encoding: c.encoding,
      timeZone: c.timeZone.trim(),
      lineBreaks: c.lineBreaks,
      fourEyes: c.fourEyes,
      productsFileName: c.productsFileName.trim(),
      responseDialect: { ...c.responseDialect, timestampFormat: c.responseDialect.timestampFormat.trim() },
      testRecipients,
      mailings,
      fields: fieldsFromDrafts(c.fields, `${where} master list`, { id: 'connections.problem.masterList', values: { client: clientRef } }, problems),
      productFields: fieldsFromDrafts(c.productFields, `${where} product fields`, { id: 'connections.problem.productFields', values: { client: clientRef } }, problems),
    };
    return client;
  });

  if (problems.length > 0) return { input: null, problems };
  return {
    input: {
      name,
      host: d.host.trim(),
      port,
      user: d.user.trim(),
      auth,
      trustedKeys: [...d.trustedKeys],
      clients,
      options,
      sandbox: d.sandbox,
      ...(d.share !== undefined ? { share: d.share } : {}),
      ...(d.baseVersion !== undefined ? { baseVersion: d.baseVersion } : {}),
    },
    problems: [],
  };
}
