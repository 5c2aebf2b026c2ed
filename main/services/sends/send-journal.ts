import { FINISHED_SEND_STATES, SEND_STATES, type Send, type SendEvent, type SendState } from '../../../shared/contract/sends';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { ServerRowProblem } from '../../../shared/contract/recipients';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';
import { isKnownTimeZone, serverTimeToInstant } from '../../../shared/zoned-time';
import type { Database } from '../store/database';

/** A send's journal row: what the Send DTO shows plus what only main needs. */
export interface SendRecord {
  readonly id: string;
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly sourceMailingName: string;
  readonly waveId: string;
  readonly test: boolean;
  readonly state: SendState;
  readonly scheduledAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly inputFile: string;
  readonly draftJson: string;
  readonly recipients: number;
  readonly excluded: number;
  readonly fileName: string;
  readonly productsFileName: string | null;
  /** Local folder with the files to upload (removed once they are on the server). */
  readonly workDir: string;
  /** Local folder with the compressed copies kept for audit and resend. */
  readonly archiveDir: string;
  readonly uploadDir: string;
  readonly logDir: string;
  readonly uploadAttempts: number;
  /**
   * Set just before the first byte of an upload may leave: from then on the file names
   * are final, and a file of that name on the server may be ours.
   */
  readonly namesFinal: boolean;
  readonly mailingId: string | null;
  readonly error: SendError | null;
  readonly serverHalted: boolean;
  readonly lastCheckedAt: Date | null;
  /** The server already has a file under this send's own name that may be this very send (send-runner.ts, `ownNameOnServer`); absent: none. */
  readonly nameHold?: NameHold | null;
}

/**
 * A send whose own name (or one its claim walked to) the server already has, before its names
 * were final. `held`: nothing is uploaded until the operator says whether that file (`fileName`,
 * with the products name of the same stamp) is this send (a data file restored from an older
 * backup, or a copy of one, has not seen its upload) or another sender's; `since` is when the
 * server had it (ISO), as far as its files tell. `notThisSend`: the operator said it is another
 * sender's, so the send moves to the next free second as any new send would.
 */
export type NameHold =
  | { readonly kind: 'held'; readonly since: string | null; readonly fileName: string; readonly productsFileName: string | null }
  | { readonly kind: 'notThisSend' };

/** Why a send failed, as the Sends screen shows it (the contract's `Send.error`). */
export interface SendError {
  readonly message: string;
  readonly text: CatalogText | null;
  readonly rows: ServerRowProblem[];
}

/**
 * A sentence for the operator: in English (`message`, for logs and search) and as its catalog
 * key and values (`text`), so every window shows it in its own language.
 */
export interface Said {
  readonly message: string;
  readonly text: CatalogText | null;
}

/** A catalog sentence with its English text beside it. */
export function said(id: MessageId, values: MessageValues = {}): Said {
  return { message: appIntl('en').formatMessage({ id }, values), text: { id, values: { ...values } } };
}

/** A timeline entry to record; `server` is the server's own time of the step, where its log file has one. */
export interface TimelineEntry extends Said {
  readonly state: SendState;
  readonly server?: { readonly time: string; readonly timeZone: string };
}

// Columns named: the table grew the server-time columns in migration 3 and the catalog key in migration 4.
const EVENT_INSERT =
  'INSERT INTO send_events (send_id, occurred_at, state, message, server_time, server_zone, message_id, message_values) VALUES ($1, now(), $2, $3, $4, $5, $6, $7)';

/** The catalog columns of a timeline entry. */
function textColumns(text: CatalogText | null): [string | null, string | null] {
  return text ? [text.id, JSON.stringify(text.values)] : [null, null];
}

/** States in which a send occupies its source mailing. */
export const ACTIVE_STATES: readonly SendState[] = SEND_STATES.filter((s) => !(FINISHED_SEND_STATES as readonly SendState[]).includes(s));
/** States the server side moves (polled). */
export const SERVER_STATES: readonly SendState[] = ['on_server', 'taken', 'imported', 'mailing_created', 'sending'];

interface Row {
  id: string;
  profile: string;
  client: string;
  source_mailing_id: string;
  source_mailing_name: string;
  wave_id: string;
  test: boolean;
  state: SendState;
  scheduled_at: Date;
  created_at: Date;
  updated_at: Date;
  input_file: string;
  draft_json: string;
  recipients: number;
  excluded: number;
  file_name: string;
  products_file_name: string | null;
  work_dir: string;
  archive_dir: string;
  upload_dir: string;
  log_dir: string;
  upload_attempts: number;
  names_final: boolean;
  mailing_id: string | null;
  error_json: string | null;
  server_halted: boolean;
  last_checked_at: Date | null;
  name_hold: string | null;
}

/** A stored error; one written before the catalog has no `text`. */
function errorFromJson(json: string): SendError {
  const e = JSON.parse(json) as Partial<SendError>;
  return { message: e.message ?? '', text: e.text ?? null, rows: e.rows ?? [] };
}

function fromRow(r: Row): SendRecord {
  return {
    id: r.id,
    profile: r.profile,
    client: r.client,
    sourceMailingId: r.source_mailing_id,
    sourceMailingName: r.source_mailing_name,
    waveId: r.wave_id,
    test: r.test,
    state: r.state,
    scheduledAt: r.scheduled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    inputFile: r.input_file,
    draftJson: r.draft_json,
    recipients: Number(r.recipients),
    excluded: Number(r.excluded),
    fileName: r.file_name,
    productsFileName: r.products_file_name,
    workDir: r.work_dir,
    archiveDir: r.archive_dir,
    uploadDir: r.upload_dir,
    logDir: r.log_dir,
    uploadAttempts: Number(r.upload_attempts),
    namesFinal: r.names_final,
    mailingId: r.mailing_id,
    error: r.error_json ? errorFromJson(r.error_json) : null,
    serverHalted: r.server_halted,
    lastCheckedAt: r.last_checked_at,
    nameHold: r.name_hold ? (JSON.parse(r.name_hold) as NameHold) : null,
  };
}

/** What can change on a send after it was created. */
export type SendPatch = Partial<
  Pick<SendRecord, 'state' | 'mailingId' | 'error' | 'serverHalted' | 'lastCheckedAt' | 'uploadAttempts' | 'namesFinal' | 'fileName' | 'productsFileName' | 'recipients' | 'excluded' | 'nameHold'>
>;

/**
 * The send journal in the data file: one row per send plus its timeline. Every state change
 * is written here before the next step starts, so a restart knows where each send stood.
 */
export class SendJournal {
  constructor(private readonly db: Database) {}

  /** Records a new send and its first timeline entry in one transaction (a bare string: an English line without a catalog key). */
  async insert(record: SendRecord, firstStep: Said | string): Promise<void> {
    const first = typeof firstStep === 'string' ? { message: firstStep, text: null } : firstStep;
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO sends VALUES ($id, $profile, $client, $smid, $smname, $wave, $test, $state, $scheduled, $created, $updated, $input, $draft,
          $recipients, $excluded, $file, $products, $work, $archive, $upload, $log, 0, NULL, NULL, false, NULL, false, NULL)`,
        {
          id: record.id,
          profile: record.profile,
          client: record.client,
          smid: record.sourceMailingId,
          smname: record.sourceMailingName,
          wave: record.waveId,
          test: record.test,
          state: record.state,
          scheduled: record.scheduledAt.toISOString(),
          created: record.createdAt.toISOString(),
          updated: record.updatedAt.toISOString(),
          input: record.inputFile,
          draft: record.draftJson,
          recipients: record.recipients,
          excluded: record.excluded,
          file: record.fileName,
          products: record.productsFileName,
          work: record.workDir,
          archive: record.archiveDir,
          upload: record.uploadDir,
          log: record.logDir,
        } as never,
      );
      await tx.run(EVENT_INSERT, [record.id, record.state, first.message, null, null, ...textColumns(first.text)]);
    });
  }

  /** Applies a patch and, when given, appends a timeline entry, in one transaction. */
  async update(id: string, patch: SendPatch, event?: TimelineEntry): Promise<SendRecord> {
    await this.patch(id, patch, event, '');
    return this.get(id);
  }

  /**
   * Like {@link update}, but only while the send is still held for its own name (send-runner.ts,
   * own-name-check.ts): one statement, so an operator's answer and a cancel can never both win.
   * Undefined when it is no longer held.
   */
  async updateHeld(id: string, patch: SendPatch, event: TimelineEntry): Promise<SendRecord | undefined> {
    const done = await this.patch(id, patch, event, " AND state = 'queued' AND json_extract_string(name_hold, '$.kind') = 'held'");
    return done ? this.get(id) : undefined;
  }

  /** The UPDATE (with `guard` appended to its WHERE) and the timeline entry when it changed the row; whether it did. */
  private async patch(id: string, patch: SendPatch, event: TimelineEntry | undefined, guard: string): Promise<boolean> {
    const sets: string[] = ['updated_at = now()'];
    const params: Record<string, unknown> = { id };
    const column: Record<keyof SendPatch, string> = {
      state: 'state',
      mailingId: 'mailing_id',
      error: 'error_json',
      serverHalted: 'server_halted',
      lastCheckedAt: 'last_checked_at',
      uploadAttempts: 'upload_attempts',
      namesFinal: 'names_final',
      fileName: 'file_name',
      productsFileName: 'products_file_name',
      recipients: 'recipients',
      excluded: 'excluded',
      nameHold: 'name_hold',
    };
    for (const [key, value] of Object.entries(patch) as [keyof SendPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${column[key]} = $${key}`);
      params[key] = key === 'error' || key === 'nameHold' ? (value === null ? null : JSON.stringify(value)) : value instanceof Date ? value.toISOString() : value;
    }
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ id: string }>(`UPDATE sends SET ${sets.join(', ')} WHERE id = $id${guard} RETURNING id`, params as never);
      if (rows.length === 0) return false;
      if (event) await tx.run(EVENT_INSERT, [id, event.state, event.message, event.server?.time ?? null, event.server?.timeZone ?? null, ...textColumns(event.text)]);
      return true;
    });
  }

  /**
   * Fixes the names just before the first byte may leave, unless the send was cancelled
   * meanwhile. One statement, so a cancel and an upload can never both win.
   */
  async markNamesFinal(id: string): Promise<boolean> {
    const rows = await this.db.all<{ id: string }>(
      "UPDATE sends SET names_final = true, updated_at = now() WHERE id = $1 AND state = 'uploading' RETURNING id",
      [id],
    );
    return rows.length === 1;
  }

  /**
   * Cancels a send that cannot have put anything on the server yet: scheduled, queued, or
   * retrying an upload whose names are not final. Returns false when it is too late.
   */
  async cancelIfNotStarted(id: string, why: Said): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ id: string }>(
        "UPDATE sends SET state = 'cancelled', updated_at = now() WHERE id = $1 AND (state IN ('awaiting_approval', 'scheduled', 'queued') OR (state = 'uploading' AND NOT names_final)) RETURNING id",
        [id],
      );
      if (rows.length === 1) await tx.run(EVENT_INSERT, [id, 'cancelled', why.message, null, null, ...textColumns(why.text)]);
      return rows.length === 1;
    });
  }

  /** One send, or throws when unknown. */
  async get(id: string): Promise<SendRecord> {
    const rows = await this.db.all<Row>('SELECT * FROM sends WHERE id = $1', [id]);
    if (rows.length === 0) throw new Error(`unknown send ${id}`);
    return fromRow(rows[0]);
  }

  /** One send, or undefined. */
  async find(id: string): Promise<SendRecord | undefined> {
    const rows = await this.db.all<Row>('SELECT * FROM sends WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Sends, newest first. */
  async list(filter: { profile?: string; states?: readonly SendState[]; limit?: number } = {}): Promise<SendRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.profile) where.push(`profile = $${params.push(filter.profile)}`);
    if (filter.states) where.push(`state IN (${filter.states.map((s) => `$${params.push(s)}`).join(', ')})`);
    const sql = `SELECT * FROM sends ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100000))}`;
    return (await this.db.all<Row>(sql, params as never)).map(fromRow);
  }

  /** How many timeline steps each of these sends has (sends without any are left out). */
  async stepCounts(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.all<{ send_id: string; n: bigint }>(
      `SELECT send_id, count(*) AS n FROM send_events WHERE send_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) GROUP BY send_id`,
      [...ids],
    );
    return new Map(rows.map((r) => [r.send_id, Number(r.n)]));
  }

  /** The timeline of a send, oldest first. */
  timeline(id: string): Promise<SendEvent[]> {
    return timelineOf((sql, params) => this.db.all(sql, params), id);
  }

  /** One send and its timeline as of one moment (each step told with the counts it came with), or undefined. */
  findWithTimeline(id: string): Promise<{ record: SendRecord; timeline: SendEvent[] } | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<Row>('SELECT * FROM sends WHERE id = $1', [id]);
      return rows[0] ? { record: fromRow(rows[0]), timeline: await timelineOf(tx.all, id) } : undefined;
    });
  }

  /** The send occupying a source mailing, if any. */
  async inFlight(profile: string, client: string, sourceMailingId: string): Promise<SendRecord | undefined> {
    const rows = await this.db.all<Row>(
      `SELECT * FROM sends WHERE profile = $1 AND client = $2 AND source_mailing_id = $3 AND state IN (${ACTIVE_STATES.map((s) => `'${s}'`).join(', ')}) ORDER BY created_at DESC LIMIT 1`,
      [profile, client, sourceMailingId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** File names already used in an upload directory, so a new send never reuses one. */
  async namesUsed(profile: string, uploadDir: string): Promise<Set<string>> {
    const rows = await this.db.all<{ file_name: string; products_file_name: string | null }>(
      'SELECT file_name, products_file_name FROM sends WHERE profile = $1 AND upload_dir = $2',
      [profile, uploadDir],
    );
    return new Set(rows.flatMap((r) => [r.file_name, r.products_file_name].filter((x): x is string => Boolean(x))));
  }

  /** Converts a record to the DTO the renderer sees. */
  async toDto(record: SendRecord, progress: Send['progress'] = null): Promise<Send> {
    return {
      id: record.id,
      profile: record.profile,
      client: record.client,
      sourceMailingId: record.sourceMailingId,
      sourceMailingName: record.sourceMailingName,
      waveId: record.waveId,
      test: record.test,
      state: record.state,
      scheduledAt: record.scheduledAt.toISOString(),
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
      inputFile: record.inputFile,
      recipients: record.recipients,
      excluded: record.excluded,
      fileName: record.fileName,
      productsFileName: record.productsFileName,
      mailingId: record.mailingId,
      progress,
      error: record.error,
      serverHalted: record.serverHalted,
      lastCheckedAt: record.lastCheckedAt ? record.lastCheckedAt.toISOString() : null,
      held: record.nameHold?.kind === 'held' && record.state === 'queued' ? { file: record.nameHold.fileName, since: record.nameHold.since, workstation: null } : null,
      timeline: await this.timeline(record.id),
      origin: null,
      approval: null,
    };
  }
}

/** A send's timeline, oldest first, read through `all` (the database, or one transaction of it). */
async function timelineOf(all: Database['all'], id: string): Promise<SendEvent[]> {
  const rows = await all<{
    occurred_at: Date;
    state: SendState;
    message: string;
    server_time: string | null;
    server_zone: string | null;
    message_id: string | null;
    message_values: string | null;
  }>('SELECT occurred_at, state, message, server_time, server_zone, message_id, message_values FROM send_events WHERE send_id = $1 ORDER BY occurred_at, rowid', [id]);
  return rows.map((r) => ({
    at: r.occurred_at.toISOString(),
    state: r.state,
    message: r.message,
    text: r.message_id ? { id: r.message_id, values: r.message_values ? (JSON.parse(r.message_values) as CatalogText['values']) : {} } : null,
    server:
      r.server_time !== null && r.server_zone !== null
        ? { time: r.server_time, timeZone: r.server_zone, at: isKnownTimeZone(r.server_zone) ? (serverTimeToInstant(r.server_time, r.server_zone)?.toISOString() ?? null) : null }
        : null,
    workstation: null,
  }));
}
