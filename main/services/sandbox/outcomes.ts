import type { SandboxLink, SandboxRates } from './config';
import { createRng, sequenceId11, type Rng } from './prng';
import type { SandboxProduct } from './validate-upload';

/** Everything one simulated mailing copy is generated from; the same spec gives the same mailing. */
export interface MailingSpec {
  readonly seed: string;
  readonly mailingId: string;
  readonly sourceMailingId: string;
  readonly campaignId: string;
  readonly recipientListId: string;
  readonly links: readonly SandboxLink[];
  readonly products: readonly SandboxProduct[];
  /** Naive ms of the upload file-name stamp; every event time is this plus seeded offsets. */
  readonly baseMs: number;
  readonly recipients: readonly { readonly email: string; readonly productIds: readonly string[] }[];
  readonly rates: SandboxRates;
  /** Position of this mailing's first recipient in the sandbox-wide ID sequence. */
  readonly recipientOffset: number;
  /** Position of this mailing's first link in the sandbox-wide ID sequence. */
  readonly linkOffset: number;
  /**
   * How much faster than real time the mailing's timeline runs after its stamp (default 1):
   * 3600 turns an hour of sending and responses into a second, for rehearsals and tests.
   * Only times change; who bounces, opens and clicks stays the same.
   */
  readonly timeScale?: number;
}

/** Response categories of the spec. */
export type ResponseCategory = 'fatal_bounce' | 'bounce' | 'temporary_bounce' | 'autoresponder' | 'unknown';

/** A row of `mailings.csv`, times as naive ms. */
export interface MailingRow {
  readonly id: string;
  readonly compoundMasterId: string;
  readonly mailingGroupId: string;
  readonly recipientLists: string;
  readonly created: number;
  readonly started: number;
  readonly finished: number;
}

/** A row of `mailingrecipients.csv`. */
export interface RecipientRow {
  readonly id: string;
  readonly mailingId: string;
  readonly mailingGroupId: string;
  readonly userId: string;
  readonly created: number;
  readonly sendingStatus: 'sent' | 'could_not_be_sent';
  readonly deliveryStatus: string;
  readonly responseCategory: ResponseCategory | '';
}

/** A row of `links.csv`; `mailingToUserId` is empty because links belong to the mailing. */
export interface LinkRow {
  readonly id: string;
  readonly mailingId: string;
  readonly mailingToUserId: string;
  readonly mailingGroupId: string;
  readonly name: string;
  readonly url: string;
}

/** A click or open; `linkId` is empty for opens (there is no tracked link behind an open). */
export interface ActionRow {
  readonly linkId: string;
  readonly mailingId: string;
  readonly mailingToUserId: string;
  readonly mailingGroupId: string;
  readonly userId: string;
  readonly created: number;
  readonly browser: string;
  readonly platform: string;
  readonly device: string;
}

/** An unsubscribe or a response (bounce, autoresponder, reply). */
export interface ReactionRow {
  readonly mailingId: string;
  readonly mailingToUserId: string;
  readonly mailingGroupId: string;
  readonly userId: string;
  readonly created: number;
  readonly category?: ResponseCategory;
}

/** All rows one mailing copy contributes to the export. */
export interface GeneratedMailing {
  readonly mailing: MailingRow;
  readonly recipients: readonly RecipientRow[];
  readonly links: readonly LinkRow[];
  readonly clicks: readonly ActionRow[];
  readonly opens: readonly ActionRow[];
  readonly unsubscribes: readonly ReactionRow[];
  readonly responses: readonly ReactionRow[];
}

type Agent = readonly [browser: string, platform: string, device: string];

const AGENTS: readonly (readonly [Agent, number])[] = [
  [['Chrome 126.0', 'Windows 10', 'Desktop'], 16],
  [['Edge 126.0', 'Windows 11', 'Desktop'], 7],
  [['Firefox 127.0', 'Windows 10', 'Desktop'], 5],
  [['Outlook 2019', 'Windows 10', 'Desktop'], 8],
  [['Safari 17.5', 'macOS 14', 'Desktop'], 6],
  [['Apple Mail', 'iOS 17.5', 'Mobile'], 18],
  [['Safari Mobile 17.5', 'iOS 17.5', 'Mobile'], 9],
  [['Chrome Mobile 126.0', 'Android 14', 'Mobile'], 14],
  [['Samsung Internet 25.0', 'Android 13', 'Mobile'], 5],
  [['Safari 17.5', 'iPadOS 17.5', 'Tablet'], 4],
  [['Gmail Image Proxy', 'Unknown', 'Unknown'], 6],
  [['Thunderbird 115.12', 'Linux', 'Desktop'], 2],
];

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const DAY = 24 * HOUR;

/**
 * When a recipient first opens: most within hours, many over the next two days, and a long
 * tail over two weeks (mail read after a holiday, a newsletter kept for the weekend), so
 * responses keep arriving for days after a send as they do on a real server.
 */
function openDelay(rng: Rng): number {
  const r = rng.next();
  if (r < 0.42) return rng.int(20 * SEC, 60 * MIN);
  if (r < 0.74) return rng.int(1 * HOUR, 8 * HOUR);
  if (r < 0.9) return rng.int(8 * HOUR, 48 * HOUR);
  return rng.int(2 * DAY, 14 * DAY);
}

/** The gap before a repeat open: mostly the same day, sometimes days later. */
function repeatGap(rng: Rng): number {
  return rng.chance(0.2) ? rng.int(1 * DAY, 7 * DAY) : rng.int(1 * MIN, 18 * HOUR);
}

/** Keeps times on whole seconds, as the export shows them. */
const sec = (ms: number): number => Math.floor(ms / SEC) * SEC;

/**
 * Simulates one mailing copy: who got it, who bounced, opened, clicked, unsubscribed.
 *
 * Pure and seeded: it draws only from a PRNG keyed by the seed and mailing ID, and every
 * time is the file-name stamp plus an offset, so the same spec replays byte-for-byte.
 */
export function generateMailing(spec: MailingSpec): GeneratedMailing {
  const rng = createRng(spec.seed, 'mailing', spec.mailingId);
  const r = spec.rates;
  const k = spec.timeScale ?? 1;
  /** A simulated time on the (possibly faster) timeline, on whole seconds. */
  const w = k === 1 ? (t: number): number => t : (t: number): number => spec.baseMs + Math.floor((t - spec.baseMs) / k / SEC) * SEC;
  const group = spec.sourceMailingId;
  const created = spec.baseMs + rng.int(20, 90) * SEC;
  const started = created + rng.int(5, 60) * SEC;

  const links: LinkRow[] = [];
  const linkFor = new Map<string, LinkRow>();
  const addLink = (name: string, url: string): LinkRow => {
    const row = { id: sequenceId11(spec.seed, 'link', spec.linkOffset + links.length), mailingId: spec.mailingId, mailingToUserId: '', mailingGroupId: group, name, url };
    links.push(row);
    return row;
  };
  const general = spec.links.map((l) => addLink(l.name, l.url));
  for (const p of spec.products) linkFor.set(p.id, addLink(p.title || `Product ${p.id}`, p.url || `https://shop.example.com/p/${encodeURIComponent(p.id)}`));

  const recipients: RecipientRow[] = [];
  const clicks: ActionRow[] = [];
  const opens: ActionRow[] = [];
  const unsubscribes: ReactionRow[] = [];
  const responses: ReactionRow[] = [];
  let last = started;

  spec.recipients.forEach((rcpt, i) => {
    const id = sequenceId11(spec.seed, 'recipient', spec.recipientOffset + i);
    const sentAt = started + Math.floor(i / r.sendPerSecond) * SEC;
    last = Math.max(last, sentAt);
    const base = { mailingId: spec.mailingId, mailingToUserId: id, mailingGroupId: group, userId: rcpt.email };
    if (rng.chance(r.couldNotBeSent)) {
      recipients.push({ id, mailingId: spec.mailingId, mailingGroupId: group, userId: rcpt.email, created: w(sentAt), sendingStatus: 'could_not_be_sent', deliveryStatus: 'not_delivered', responseCategory: '' });
      return;
    }
    const category = rng.weighted<ResponseCategory | ''>([
      ['fatal_bounce', r.fatalBounce],
      ['bounce', r.bounce],
      ['temporary_bounce', r.temporaryBounce],
      ['autoresponder', r.autoresponder],
      ['unknown', r.unknown],
      ['', Math.max(0, 1 - r.fatalBounce - r.bounce - r.temporaryBounce - r.autoresponder - r.unknown)],
    ]);
    const bounced = category === 'fatal_bounce' || category === 'bounce' || category === 'temporary_bounce';
    recipients.push({ id, mailingId: spec.mailingId, mailingGroupId: group, userId: rcpt.email, created: w(sentAt), sendingStatus: 'sent', deliveryStatus: bounced ? 'bounced' : 'delivered', responseCategory: category });
    if (category !== '') {
      const delay = bounced ? rng.int(2, 900) * SEC : category === 'autoresponder' ? rng.int(30, 1800) * SEC : rng.int(1 * HOUR, 36 * HOUR);
      responses.push({ ...base, created: w(sec(sentAt + delay)), category });
    }
    if (bounced) return;

    if (rng.chance(r.open)) {
      const agent = rng.weighted(AGENTS);
      const openTimes: number[] = [];
      let t = sentAt + openDelay(rng);
      openTimes.push(t);
      while (openTimes.length < 12 && rng.chance(r.repeatOpen)) {
        t += repeatGap(rng);
        openTimes.push(t);
      }
      for (const ot of openTimes) {
        // Now and then the same person opens on another device.
        const a = rng.chance(0.15) ? rng.weighted(AGENTS) : agent;
        opens.push({ ...base, linkId: '', created: w(sec(ot)), browser: a[0], platform: a[1], device: a[2] });
      }
      if (rng.chance(r.click)) {
        const own = rcpt.productIds.map((p) => linkFor.get(p)).filter((l): l is LinkRow => l !== undefined);
        // The first link is the mailing's call to action; a last one of three or more is the footer (imprint).
        const weight = (i: number): number => (i === 0 ? 4 : i === general.length - 1 && general.length >= 3 ? 0.3 : 1.5);
        const choices: (readonly [LinkRow, number])[] = [...general.map((l, i) => [l, weight(i)] as const), ...own.map((l) => [l, 3] as const)];
        if (choices.length > 0) {
          const n = rng.chance(r.multiClick) ? rng.int(2, 4) : 1;
          for (let k = 0; k < n; k++) {
            const at = w(sec(rng.pick(openTimes) + rng.int(3, 900) * SEC));
            const link = rng.weighted(choices);
            clicks.push({ ...base, linkId: link.id, created: at, browser: agent[0], platform: agent[1], device: agent[2] });
            // Several clicks in one second happen (double clicks, prefetching mail clients).
            if (rng.chance(r.burst)) {
              const again = rng.chance(0.5) ? link : rng.weighted(choices);
              clicks.push({ ...base, linkId: again.id, created: at, browser: agent[0], platform: agent[1], device: agent[2] });
            }
          }
        }
      }
      if (rng.chance(r.unsubscribe)) unsubscribes.push({ ...base, created: w(sec(openTimes[0] + rng.int(10, 3600) * SEC)) });
    } else if (rng.chance(r.unsubscribe / 4)) {
      // Some unsubscribe through the list-unsubscribe header without an open being tracked.
      unsubscribes.push({ ...base, created: w(sec(sentAt + rng.int(5 * MIN, 24 * HOUR))) });
    }
  });

  const byTime = <T extends { created: number }>(rows: T[]): T[] => rows.sort((a, b) => a.created - b.created);
  return {
    mailing: {
      id: spec.mailingId,
      compoundMasterId: spec.campaignId,
      mailingGroupId: group,
      recipientLists: spec.recipientListId,
      created: w(created),
      started: w(started),
      finished: w(last + rng.int(2, 20) * SEC),
    },
    recipients,
    links,
    clicks: byTime(clicks),
    opens: byTime(opens),
    unsubscribes: byTime(unsubscribes),
    responses: byTime(responses),
  };
}
