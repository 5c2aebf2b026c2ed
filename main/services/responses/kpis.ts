import { AppError } from '../../../shared/contract/result';
import type { Database } from '../store/database';
import { formatTimestamp } from './grid-query';

/** Keys of the mailing KPIs. */
export type KpiKey =
  | 'sent'
  | 'hardBounces'
  | 'softBounces'
  | 'bounces'
  | 'delivered'
  | 'bounceRate'
  | 'totalOpens'
  | 'uniqueOpens'
  | 'openRate'
  | 'totalClicks'
  | 'uniqueClicks'
  | 'uniqueClickers'
  | 'clickRate'
  | 'clickToOpenRate'
  | 'unsubscribes'
  | 'unsubscribeRate';

/** One KPI's definition, shown next to its value so operators can check the arithmetic. */
export interface KpiDefinition {
  readonly key: KpiKey;
  readonly label: string;
  /** `count` = whole number; `rate` = fraction 0..1 (null when its denominator is 0). */
  readonly unit: 'count' | 'rate';
  /** The exact formula, over the closed-loop files' column names (one click away in the UI). */
  readonly formula: string;
  /** What the number counts, in one plain sentence for operators. */
  readonly explain: string;
}

/**
 * The KPI formulas as data. The UI and the Excel report print them beside the values;
 * the SQL in {@link kpisForMailings} implements exactly these sentences.
 */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  { key: 'sent', label: 'Sent', unit: 'count', formula: "distinct mailingrecipients.id (mailingToUserId) with sendingStatus = 'sent'", explain: 'Recipients the server sent the mailing to.' },
  {
    key: 'hardBounces',
    label: 'Hard bounces',
    unit: 'count',
    formula: "distinct mailingToUserId with category 'fatal_bounce' (responses.category or mailingrecipients.response.category)",
    explain: 'Recipients whose address does not work (the mail came back for good).',
  },
  {
    key: 'softBounces',
    label: 'Soft bounces',
    unit: 'count',
    formula: "distinct mailingToUserId with category 'bounce' or 'temporary_bounce' and no 'fatal_bounce' (a recipient counts once, hard wins)",
    explain: 'Recipients whose mail came back for now (mailbox full, server busy); a resend may reach them.',
  },
  { key: 'bounces', label: 'Bounces', unit: 'count', formula: 'hard bounces + soft bounces', explain: 'Recipients whose mail came back, hard or soft.' },
  { key: 'delivered', label: 'Delivered', unit: 'count', formula: 'sent − bounces', explain: 'Recipients whose mail did not come back.' },
  { key: 'bounceRate', label: 'Bounce rate', unit: 'rate', formula: 'bounces / sent', explain: 'Share of the recipients sent to whose mail came back.' },
  { key: 'totalOpens', label: 'Opens (total)', unit: 'count', formula: 'rows in opens (every open counts)', explain: 'Every time the mailing was opened, repeats included.' },
  { key: 'uniqueOpens', label: 'Unique opens', unit: 'count', formula: 'distinct opens.mailingToUserId', explain: 'Recipients who opened the mailing at least once.' },
  { key: 'openRate', label: 'Open rate', unit: 'rate', formula: 'unique opens / delivered', explain: 'Share of the delivered recipients who opened the mailing.' },
  { key: 'totalClicks', label: 'Clicks (total)', unit: 'count', formula: 'rows in clicks (every click counts)', explain: 'Every click on a link, repeats included.' },
  { key: 'uniqueClicks', label: 'Unique clicks', unit: 'count', formula: 'distinct (clicks.mailingToUserId, clicks.linkId) pairs', explain: 'Links clicked, counting each link once per recipient.' },
  { key: 'uniqueClickers', label: 'Unique clickers', unit: 'count', formula: 'distinct clicks.mailingToUserId', explain: 'Recipients who clicked at least one link.' },
  { key: 'clickRate', label: 'Click rate', unit: 'rate', formula: 'unique clickers / delivered', explain: 'Share of the delivered recipients who clicked a link.' },
  { key: 'clickToOpenRate', label: 'Click-to-open rate', unit: 'rate', formula: 'unique clickers / unique opens', explain: 'Share of the recipients who opened the mailing and then clicked a link.' },
  { key: 'unsubscribes', label: 'Unsubscribes', unit: 'count', formula: 'distinct unsubscribes.mailingToUserId', explain: 'Recipients who unsubscribed through this mailing.' },
  { key: 'unsubscribeRate', label: 'Unsubscribe rate', unit: 'rate', formula: 'unsubscribes / delivered', explain: 'Share of the delivered recipients who unsubscribed.' },
];

/** KPI values of one mailing or a set (a wave). */
export interface MailingKpis {
  readonly mailingIds: readonly string[];
  readonly values: Readonly<Record<KpiKey, number | null>>;
  /** Bounced recipients per response category (each recipient once per category). */
  readonly bouncesByCategory: readonly { readonly category: string; readonly recipients: number }[];
}

/** Clicks on one link. */
export interface LinkClicks {
  readonly linkId: string;
  readonly name: string | null;
  readonly url: string | null;
  readonly total: number;
  /** Distinct recipients (mailingToUserId) who clicked it. */
  readonly unique: number;
}

/** Opens and clicks in one hour. */
export interface TimelineBucket {
  /** Start of the hour, `YYYY-MM-DD HH:00:00`. */
  readonly hour: string;
  readonly opens: number;
  readonly clicks: number;
}

/** Events per device, platform or browser value. */
export interface ClientStat {
  readonly source: 'open' | 'click';
  readonly dimension: 'device' | 'platform' | 'browser';
  /** The value as in the file; null when the file left it empty. */
  readonly value: string | null;
  readonly events: number;
  readonly recipients: number;
}

const ID_RE = /^-?\d{1,19}$/;

/** Checks mailing IDs and joins them into the one string parameter the SQL splits. */
function idsParam(mailingIds: readonly string[]): string {
  if (mailingIds.length === 0) throw new AppError('INVALID_INPUT', 'No mailing selected. Pick at least one mailing.');
  for (const id of mailingIds) {
    if (!ID_RE.test(id)) throw new AppError('INVALID_INPUT', `Mailing ID "${id}" is not a number. Use the numeric mailing ID.`);
  }
  return mailingIds.join(',');
}

const IN_SET = `mailing_id IN (SELECT CAST(unnest(string_split($1, ',')) AS BIGINT))`;

/** The bounced recipients of the set, one row per (mailingToUserId, category). */
const BOUNCE_ROWS = `
  SELECT mailing_to_user_id, category FROM responses WHERE ${IN_SET} AND category IN ('bounce', 'temporary_bounce', 'fatal_bounce')
  UNION
  SELECT mailing_to_user_id, response_category FROM mailing_recipients WHERE ${IN_SET} AND response_category IN ('bounce', 'temporary_bounce', 'fatal_bounce')`;

const rate = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/**
 * KPIs over a set of mailings (a wave, or any selection). Counts are distinct per
 * mailingToUserId, so a record repeated in two daily files counts once.
 */
export async function kpisForMailings(db: Database, args: { readonly mailingIds: readonly string[] }): Promise<MailingKpis> {
  const ids = idsParam(args.mailingIds);
  const [row] = await db.all<Record<string, bigint | null>>(
    `WITH bounced AS (SELECT mailing_to_user_id, bool_or(category = 'fatal_bounce') AS hard FROM (${BOUNCE_ROWS}) GROUP BY mailing_to_user_id)
     SELECT
       (SELECT count(DISTINCT mailing_to_user_id) FROM mailing_recipients WHERE ${IN_SET} AND sending_status = 'sent') AS sent,
       (SELECT count(*) FILTER (WHERE hard) FROM bounced) AS hard,
       (SELECT count(*) FILTER (WHERE NOT hard) FROM bounced) AS soft,
       (SELECT count(*) FROM opens WHERE ${IN_SET}) AS total_opens,
       (SELECT count(DISTINCT mailing_to_user_id) FROM opens WHERE ${IN_SET}) AS unique_opens,
       (SELECT count(*) FROM clicks WHERE ${IN_SET}) AS total_clicks,
       (SELECT count(*) FROM (SELECT DISTINCT mailing_to_user_id, link_id FROM clicks WHERE ${IN_SET})) AS unique_clicks,
       (SELECT count(DISTINCT mailing_to_user_id) FROM clicks WHERE ${IN_SET}) AS unique_clickers,
       (SELECT count(DISTINCT mailing_to_user_id) FROM unsubscribes WHERE ${IN_SET}) AS unsubscribes`,
    [ids],
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const sent = n('sent');
  const hard = n('hard');
  const soft = n('soft');
  const bounces = hard + soft;
  const delivered = sent - bounces;
  const uniqueOpens = n('unique_opens');
  const uniqueClickers = n('unique_clickers');
  const unsubscribes = n('unsubscribes');
  const values: Record<KpiKey, number | null> = {
    sent,
    hardBounces: hard,
    softBounces: soft,
    bounces,
    delivered,
    bounceRate: rate(bounces, sent),
    totalOpens: n('total_opens'),
    uniqueOpens,
    openRate: rate(uniqueOpens, delivered),
    totalClicks: n('total_clicks'),
    uniqueClicks: n('unique_clicks'),
    uniqueClickers,
    clickRate: rate(uniqueClickers, delivered),
    clickToOpenRate: rate(uniqueClickers, uniqueOpens),
    unsubscribes,
    unsubscribeRate: rate(unsubscribes, delivered),
  };
  const byCategory = await db.all<{ category: string; recipients: bigint }>(
    `SELECT category, count(DISTINCT mailing_to_user_id) AS recipients FROM (${BOUNCE_ROWS}) GROUP BY category ORDER BY category`,
    [ids],
  );
  return {
    mailingIds: [...args.mailingIds],
    values,
    bouncesByCategory: byCategory.map((r) => ({ category: r.category, recipients: Number(r.recipients) })),
  };
}

/** KPIs of one mailing. */
export function mailingKpis(db: Database, args: { readonly mailingId: string }): Promise<MailingKpis> {
  return kpisForMailings(db, { mailingIds: [args.mailingId] });
}

/**
 * Clicks per link of a set of mailings, most clicked first: every link of the links file (the
 * ones Browse shows, with 0 when nobody clicked them yet) and every clicked link ID.
 */
export async function clicksPerLink(db: Database, args: { readonly mailingIds: readonly string[] }): Promise<LinkClicks[]> {
  const rows = await db.all<{ link_id: bigint | null; name: string | null; url: string | null; total: bigint | number; uniq: bigint | number }>(
    `SELECT coalesce(l.id, k.link_id) AS link_id, any_value(l.name) AS name, any_value(l.url) AS url,
       coalesce(sum(k.total), 0) AS total, coalesce(sum(k.uniq), 0) AS uniq
     FROM (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links WHERE ${IN_SET} GROUP BY id, mailing_id) l
     FULL OUTER JOIN (SELECT link_id, mailing_id, count(*) AS total, count(DISTINCT mailing_to_user_id) AS uniq FROM clicks WHERE ${IN_SET} GROUP BY link_id, mailing_id) k
       ON l.id = k.link_id AND l.mailing_id = k.mailing_id
     GROUP BY coalesce(l.id, k.link_id) ORDER BY total DESC, link_id`,
    [idsParam(args.mailingIds)],
  );
  return rows.map((r) => ({ linkId: r.link_id === null ? '' : String(r.link_id), name: r.name, url: r.url, total: Number(r.total), unique: Number(r.uniq) }));
}

/** Opens and clicks per hour (only hours with events). */
export async function activityTimeline(db: Database, args: { readonly mailingIds: readonly string[] }): Promise<TimelineBucket[]> {
  const rows = await db.all<{ hour: Date; opens: bigint; clicks: bigint }>(
    `SELECT hour, sum(o) AS opens, sum(k) AS clicks FROM (
       SELECT date_trunc('hour', created) AS hour, 1 AS o, 0 AS k FROM opens WHERE ${IN_SET}
       UNION ALL SELECT date_trunc('hour', created), 0, 1 FROM clicks WHERE ${IN_SET}
     ) WHERE hour IS NOT NULL GROUP BY hour ORDER BY hour`,
    [idsParam(args.mailingIds)],
  );
  return rows.map((r) => ({ hour: formatTimestamp(r.hour), opens: Number(r.opens), clicks: Number(r.clicks) }));
}

/** Opens and clicks per device, platform and browser. */
export async function clientStats(db: Database, args: { readonly mailingIds: readonly string[] }): Promise<ClientStat[]> {
  const parts: string[] = [];
  for (const source of ['open', 'click'] as const) {
    for (const dimension of ['device', 'platform', 'browser'] as const) {
      parts.push(
        `SELECT '${source}' AS source, '${dimension}' AS dimension, ${source}_${dimension} AS value, count(*) AS events, count(DISTINCT mailing_to_user_id) AS recipients
         FROM ${source}s WHERE ${IN_SET} GROUP BY ${source}_${dimension}`,
      );
    }
  }
  const rows = await db.all<{ source: 'open' | 'click'; dimension: ClientStat['dimension']; value: string | null; events: bigint; recipients: bigint }>(
    `${parts.join(' UNION ALL ')} ORDER BY source, dimension, events DESC, value`,
    [idsParam(args.mailingIds)],
  );
  return rows.map((r) => ({ source: r.source, dimension: r.dimension, value: r.value, events: Number(r.events), recipients: Number(r.recipients) }));
}
