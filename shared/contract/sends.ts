import { z } from 'zod';
import { method, service } from './define';
import { CatalogText } from './catalog-text';
import { SendDraft, ServerRowProblem } from './recipients';

/**
 * The life of a send. `awaiting_approval` waits for another team member's approval (four-eyes
 * clients); `scheduled` waits for its time; `queued` is due now; the server-side
 * states follow the log file (interpretation.md); `error` and `cancelled` are final, as is `sent`.
 */
export const SEND_STATES = [
  /** Four-eyes clients (team mode): a real send waits here until another team member approves it. */
  'awaiting_approval',
  'scheduled',
  'queued',
  'uploading',
  'on_server',
  'taken',
  'imported',
  'mailing_created',
  'sending',
  'sent',
  'error',
  'cancelled',
] as const;
export const SendState = z.enum(SEND_STATES);
export type SendState = z.output<typeof SendState>;

/**
 * The server's own time of a timeline step, from its log file. The server writes it without a
 * zone; it is read in the client's time-zone setting (interpretation.md, "Server times").
 */
export const ServerTime = z.object({
  /** As the server wrote it: `YYYY-MM-DD HH:MM:SS`, the server's clock. */
  time: z.string(),
  /** The IANA zone it was read in: the client's setting, or this workstation's zone when that is empty. */
  timeZone: z.string(),
  /** The instant it stands for (ISO, UTC), so it can be compared with this workstation's times. */
  at: z.string().nullable(),
});
export type ServerTime = z.output<typeof ServerTime>;
/** States after which nothing more happens to a send (the one list; every other is in flight). */
export const FINISHED_SEND_STATES = ['sent', 'error', 'cancelled'] as const satisfies readonly SendState[];

/**
 * Whether a send may go from `from` to `to`: only forward in {@link SEND_STATES}' order (a step
 * in the same state, such as rows left out while `uploading`, is fine), never out of a finished
 * state. The team journal applies the same rule in its UPDATE (team-state-changes.ts), so a
 * workstation that lags behind the team (a decision taken elsewhere) can never move a send back.
 */
export function movesForward(from: SendState, to: SendState): boolean {
  if ((FINISHED_SEND_STATES as readonly SendState[]).includes(from)) return false;
  return SEND_STATES.indexOf(to) >= SEND_STATES.indexOf(from);
}

/** One step of a send's timeline. */
export const SendEvent = z.object({
  /** When Loopdesk recorded the step: ISO time on this workstation's clock. */
  at: z.string(),
  state: SendState,
  /** The step in English (logs, search). */
  message: z.string(),
  /** The same step as a catalog key and values, for the reader's language; null for steps written before the catalog. */
  text: CatalogText.nullable().default(null),
  /** The server's own time of the step where its log file gives one; null for steps Loopdesk saw itself. */
  server: ServerTime.nullable().default(null),
  /**
   * Team mode: the name of the workstation that took the step, when it is another one (its time is
   * that workstation's clock, not this computer's); null for this workstation's own steps.
   */
  workstation: z.string().nullable().default(null),
});
export type SendEvent = z.output<typeof SendEvent>;

/** A send as the Sends screen shows it. */
export const Send = z.object({
  id: z.string(),
  profile: z.string(),
  client: z.string(),
  sourceMailingId: z.string(),
  sourceMailingName: z.string(),
  waveId: z.string(),
  test: z.boolean(),
  state: SendState,
  /** ISO time the send is due (scheduled sends) or was queued. */
  scheduledAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  inputFile: z.string(),
  recipients: z.number(),
  excluded: z.number(),
  fileName: z.string(),
  productsFileName: z.string().nullable(),
  /** The mailing ID the server gave the copy it sent. */
  mailingId: z.string().nullable(),
  /** Upload progress while uploading. */
  progress: z.object({ bytes: z.number(), total: z.number(), rateBytesPerSec: z.number(), etaSeconds: z.number() }).nullable(),
  /**
   * Why the send failed: `message` in English, `text` the same as a catalog key and values (null
   * for errors recorded before the catalog), and the rows the server rejected (its own words).
   */
  error: z.object({ message: z.string(), text: CatalogText.nullable().default(null), rows: z.array(ServerRowProblem) }).nullable(),
  /** The server's interface is halted (after an error) and processes nothing until restarted. */
  serverHalted: z.boolean(),
  lastCheckedAt: z.string().nullable(),
  /**
   * Held before its upload: the server already has a file under this send's own name (`file`)
   * since `since` (ISO, null when the server's files do not tell), and that file may be this very
   * send, uploaded from a newer copy of this data (the data folder was restored from an older
   * backup, or copied). Nothing is uploaded until the operator answers `sends.resolveHold`.
   * `workstation`: team mode, a send held on another workstation (the name of the one that holds
   * it, whose step says why); only that one can answer, since the answer needs the send's files.
   * Null: held here.
   */
  held: z.object({ file: z.string(), since: z.string().nullable(), workstation: z.string().nullable().default(null) }).nullable().default(null),
  timeline: z.array(SendEvent),
  /**
   * Team mode: the workstation that started the send (its name as the team sees it), and whether
   * that is this one. Null outside team mode.
   */
  origin: z.object({ workstation: z.string(), name: z.string(), mine: z.boolean() }).nullable().default(null),
  /** Four-eyes: who approved or rejected the send, when, and why (rejections). Null while undecided or not needed. */
  approval: z
    .object({ decision: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), reason: z.string().nullable() })
    .nullable()
    .default(null),
});
export type Send = z.output<typeof Send>;

/** Sends: test and real mailings, now or later, watched through to the mailing ID. */
export const sendsContract = service(
  'sends',
  {
    create: method(
      'Prepare the files and queue the send (now, or at scheduledAt); the operator has confirmed',
      SendDraft.extend({
        test: z.boolean().default(false),
        /** ISO date-time; absent or past = now. */
        scheduledAt: z.string().datetime({ offset: true }).nullable().default(null),
        /** For test sends: how many real rows personalise the test mails. */
        testRows: z.number().int().min(1).max(20).default(3),
      }),
      Send,
    ),
    list: method(
      'Sends, newest first',
      z.object({ profile: z.string().optional(), limit: z.number().int().min(1).max(1000).default(200) }),
      z.array(Send),
    ),
    get: method('One send with its timeline', z.object({ id: z.string() }), Send),
    cancel: method('Cancel a send that has not started uploading', z.object({ id: z.string() }), Send),
    refresh: method('Check the server now for one send, or for every active send', z.object({ id: z.string().optional() }), z.array(Send)),
    approve: method('Four-eyes: approve a send another team member started, so it uploads', z.object({ id: z.string().min(1) }), Send),
    resolveHold: method(
      'A held send (Send.held): `isThisSend` follows the file on the server as this send and uploads nothing; `notThisSend` uploads under the next free name',
      z.object({ id: z.string().min(1), choice: z.enum(['isThisSend', 'notThisSend']) }),
      Send,
    ),
    reject: method(
      'Four-eyes: reject a send another team member started; it never uploads',
      z.object({ id: z.string().min(1), reason: z.string().max(500).default('') }),
      Send,
    ),
  },
  { onChanged: Send },
);
