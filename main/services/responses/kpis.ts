import { AppError } from '../../../shared/contract/result';
import { appIntl } from '../../../shared/i18n/intl';
import { KPI_TEXT, type KpiKey, type KpiText } from '../../../shared/i18n/kpi-text';
import type { Database } from '../store/database';
import { formatTimestamp } from './grid-query';

/** One KPI's definition, shown next to its value so operators can check the arithmetic. */
export interface KpiDefinition {
  readonly key: KpiKey;
  /** The name in English (logs, `--json`); clients show {@link KpiText.label} in their language. */
  readonly label: string;
  /** `count` = whole number; `rate` = fraction 0..1 (null when its denominator is 0). */
  readonly unit: 'count' | 'rate';
  /** The exact formula, over the closed-loop files' column names (one click away in the UI). */
  readonly formula: string;
  /** What the number counts, in one plain sentence for operators. */
  readonly explain: string;
  /** The catalog keys of the three texts above. */
  readonly text: KpiText;
}

const RATES: ReadonlySet<KpiKey> = new Set(['bounceRate', 'openRate', 'clickRate', 'clickToOpenRate', 'unsubscribeRate']);

/**
 * The KPIs in the order they are shown, with their texts. The UI and the Excel report print
 * them beside the values; the SQL in {@link kpisForMailings} implements exactly these sentences.
 */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = (Object.keys(KPI_TEXT) as KpiKey[]).map((key) => {
  const text = KPI_TEXT[key];
  const en = appIntl('en');
  return {
    key,
    label: en.formatMessage({ id: text.label }),
    unit: RATES.has(key) ? 'rate' : 'count',
    formula: en.formatMessage({ id: text.formula }),
    explain: en.formatMessage({ id: text.explain }),
    text,
  };
});

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
  if (mailingIds.length === 0) throw new AppError('INVALID_INPUT', 'error.responses.noMailing');
  for (const id of mailingIds) {
    if (!ID_RE.test(id)) throw new AppError('INVALID_INPUT', 'error.responses.mailingIdNotNumber', { id });
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
