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
import { productsFileNameProblem } from '../../../../shared/contract/products-file-name';
import { DEFAULT_RESPONSE_FILE_NAMES, responseFileNamesProblem } from '../../../../shared/contract/response-file-names';
import { timestampFormatProblem } from '../../../../shared/contract/timestamp-format';

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
}

/** A problem with what the operator typed, tied to a form field label. */
export interface DraftProblem {
  readonly field: string;
  readonly message: string;
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
  };
}

function wholeNumber(text: string, field: string, min: number, max: number, problems: DraftProblem[]): number {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < min || n > max) {
    problems.push({ field, message: `${field} must be a whole number from ${min} to ${max}.` });
    return min;
  }
  return n;
}

function fieldsFromDrafts(drafts: readonly FieldDraft[], where: string, problems: DraftProblem[]): MasterField[] {
  if (drafts.length === 0) problems.push({ field: where, message: `${where} needs at least one field.` });
  const seen = new Set<string>();
  return drafts.map((f, i) => {
    const label = `${where}, field ${i + 1}`;
    const name = f.name.trim();
    if (!name) problems.push({ field: label, message: `${label} has no name. Type the column name agreed with Optimizely.` });
    if (seen.has(name.toLowerCase())) problems.push({ field: label, message: `${label}: the name “${name}” is used twice.` });
    seen.add(name.toLowerCase());
    const length = f.type === 'Varchar' && f.length.trim() !== '' ? wholeNumber(f.length, `${label} length`, 1, 100000, problems) : undefined;
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
  if (!name) problems.push({ field: 'Connection name', message: 'Give the connection a name, for example “Optimizely production”.' });
  if (/[/\\]/.test(name)) problems.push({ field: 'Connection name', message: 'The connection name must not contain slashes.' });
  if (!d.host.trim()) problems.push({ field: 'Host', message: 'Type the SFTP server’s host name or IP address.' });
  if (!d.user.trim()) problems.push({ field: 'User', message: 'Type the SFTP user name Optimizely gave you.' });
  const port = wholeNumber(d.port, 'Port', 1, 65535, problems);

  let auth: ProfileInput['auth'];
  if (d.authKind === 'password') {
    auth = d.password ? { kind: 'password', password: d.password } : { kind: 'password' };
  } else {
    if (!d.privateKey.trim()) {
      problems.push({
        field: 'Private key',
        message: editing
          ? 'Paste or load the private key again: Loopdesk never sends a stored key back to this window.'
          : 'Paste the private key or load it from a file.',
      });
    }
    auth = d.passphrase ? { kind: 'key', privateKey: d.privateKey, passphrase: d.passphrase } : { kind: 'key', privateKey: d.privateKey };
  }

  const o = d.options;
  const options = {
    keepaliveSeconds: wholeNumber(o.keepaliveSeconds, 'Keepalive interval', 0, 3600, problems),
    connectTimeoutSeconds: wholeNumber(o.connectTimeoutSeconds, 'Connect timeout', 1, 600, problems),
    operationTimeoutSeconds: wholeNumber(o.operationTimeoutSeconds, 'Operation timeout', 1, 3600, problems),
    retries: wholeNumber(o.retries, 'Retries', 0, 10, problems),
    pollMinutes: wholeNumber(o.pollMinutes, 'Status check interval', 1, 1440, problems),
    pullTime: o.pullTime.trim(),
    transferMode: o.transferMode,
    legacyAlgorithms: o.legacyAlgorithms,
  };

  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(options.pullTime)) {
    problems.push({ field: 'Daily response pull', message: `The daily response pull needs a time as HH:MM (24 hours), e.g. 07:00; “${options.pullTime}” is not one.` });
  }

  const clientNames = new Set<string>();
  const clients = d.clients.map((c, ci) => {
    const where = c.name.trim() ? `Client “${c.name.trim()}”` : `Client ${ci + 1}`;
    if (!c.name.trim()) problems.push({ field: `${where} name`, message: `${where} needs a name.` });
    if (clientNames.has(c.name.trim().toLowerCase())) problems.push({ field: `${where} name`, message: `Two clients are called “${c.name.trim()}”.` });
    clientNames.add(c.name.trim().toLowerCase());
    for (const [label, value] of [
      ['upload directory', c.uploadDir],
      ['log directory', c.logDir],
      ['response directory', c.responseDir],
    ] as const) {
      if (!value.trim()) problems.push({ field: `${where} ${label}`, message: `${where}: the ${label} is empty.` });
    }
    const namesProblem = responseFileNamesProblem(c.responseFileNames.trim());
    if (namesProblem) problems.push({ field: `${where} response file names`, message: `${where}: ${namesProblem}` });
    const productsNameProblem = productsFileNameProblem(c.productsFileName.trim());
    if (productsNameProblem) problems.push({ field: `${where} products file name`, message: `${where}: ${productsNameProblem}` });
    const timestampProblem = timestampFormatProblem(c.responseDialect.timestampFormat.trim());
    if (timestampProblem) problems.push({ field: `${where} timestamp format`, message: `${where}: ${timestampProblem}` });
    const testRecipients = c.testRecipients
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line, i) => {
        const [email, ...rest] = line.split(',');
        const addr = email.trim();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(addr)) {
          problems.push({ field: `${where} test recipients`, message: `${where}: test recipient line ${i + 1} (“${addr}”) is not an e-mail address.` });
        }
        return { email: addr, name: rest.join(',').trim() };
      });
    const mailingIds = new Set<string>();
    const mailings = c.mailings.map((m, mi) => {
      const id = m.id.trim();
      const label = `${where}, mailing ${mi + 1}`;
      if (!/^\d{1,19}$/.test(id) || BigInt(id) > 9223372036854775807n) {
        problems.push({ field: `${label} ID`, message: `${label}: the mailing ID must be the number shown in Optimizely Campaign (digits only).` });
      }
      if (mailingIds.has(id)) problems.push({ field: `${label} ID`, message: `${label}: mailing ID ${id} is listed twice.` });
      mailingIds.add(id);
      if (!m.name.trim()) problems.push({ field: `${label} name`, message: `${label} needs a name so you can recognise it later.` });
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
      fields: fieldsFromDrafts(c.fields, `${where} master list`, problems),
      productFields: fieldsFromDrafts(c.productFields, `${where} product fields`, problems),
    };
    return client;
  });

  if (problems.length > 0) return { input: null, problems };
  return {
    input: { name, host: d.host.trim(), port, user: d.user.trim(), auth, trustedKeys: [...d.trustedKeys], clients, options, sandbox: d.sandbox },
    problems: [],
  };
}
