/**
 * The grid catalogue: which views the response grids offer, their columns (the allowlist a
 * grid request is checked against), the SQL behind each column and each view's source.
 */
import { GridView, type GridColumn, type GridColumnType, type GridViewName, type SortModelItem } from '../../../shared/contract/responses';
import { AppError } from '../../../shared/contract/result';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import { RESPONSE_KINDS, type ResponseColumnType, type ResponseKindName } from './response-kinds';

/** Views the grids can query. */
export const GRID_VIEW_NAMES = GridView.options;

/** A grid column with the SQL expression behind it (ours only, never sent to a client). */
export interface ColumnDef extends GridColumn {
  /** SQL expression, ours only. */
  readonly sql: string;
}

/** One grid view: its columns, its FROM source, and how it is ordered and paged. */
export interface ViewDef {
  readonly columns: readonly ColumnDef[];
  /** The FROM source of the view. */
  readonly from: (scope: ScopeSql) => string;
  /** Appended to every ORDER BY so paging is deterministic. */
  readonly tieBreak: string;
  readonly defaultSort: readonly SortModelItem[];
  readonly requiresUser?: boolean;
  /**
   * For views over one big table: the expression holding that table's rowid. Such views
   * page through a cached, sorted rowid list instead of sorting all columns per block.
   */
  readonly rowKey?: string;
  /** For `rowKey` views: the table that rowid belongs to (its `source_file` zone maps narrow a fetch by rowid). */
  readonly rowTable?: string;
}

/** The scope of a request as SQL fragments, filled in by the query compiler. */
export interface ScopeSql {
  /** `AND …` for the user scope, or ''. */
  readonly user: (alias: string) => string;
  readonly mailing: (alias: string) => string;
  /** `AND source_file IN (…) AND rowid BETWEEN … [AND rowid IN (…)]` when fetching known rows of a `rowKey` view, or ''. */
  readonly rows: () => string;
}

/** The catalog key of a column title; the grids and exports show it in the reader's language. */
type TitleId = Extract<MessageId, `grid.column.${string}`>;

const c = (colId: string, titleId: TitleId, type: GridColumnType, sql = colId): ColumnDef => ({ colId, title: appIntl('en').formatMessage({ id: titleId }), titleId, type, sql });

const BOUNCE_CATEGORIES = `('bounce', 'temporary_bounce', 'fatal_bounce')`;

function tableView(table: string, columns: ColumnDef[], defaultSort: SortModelItem[]): ViewDef {
  const hasMailing = columns.some((x) => x.colId === 'mailing_id');
  const hasUser = columns.some((x) => x.colId === 'user_id');
  return {
    columns: columns.map((x) => ({ ...x, sql: `t.${x.sql}` })),
    from: (s) => `(SELECT rowid AS _rid, * FROM ${table} WHERE TRUE ${s.rows()} ${hasMailing ? s.mailing('') : ''} ${hasUser ? s.user('') : ''}) t`,
    tieBreak: 't._rid',
    rowKey: 't._rid',
    rowTable: table,
    defaultSort,
  };
}

/** Titles (catalog keys) of the response tables' columns; a view may name one differently. */
const TITLES: Readonly<Record<string, TitleId>> = {
  id: 'grid.column.id',
  compound_master_id: 'grid.column.campaignId',
  mailing_id: 'grid.column.mailingId',
  mailing_to_user_id: 'grid.column.mailingToUserId',
  mailing_group_id: 'grid.column.mailingGroupId',
  link_id: 'grid.column.linkId',
  user_id: 'grid.column.recipient',
  created: 'grid.column.time',
  recipient_lists: 'grid.column.recipientLists',
  started: 'grid.column.started',
  finished: 'grid.column.finished',
  sending_status: 'grid.column.sendingStatus',
  delivery_status: 'grid.column.deliveryStatus',
  response_category: 'grid.column.responseCategory',
  name: 'grid.column.linkName',
  url: 'grid.column.url',
  category: 'grid.column.category',
  click_browser: 'grid.column.browser',
  click_platform: 'grid.column.platform',
  click_device: 'grid.column.device',
  open_browser: 'grid.column.browser',
  open_platform: 'grid.column.platform',
  open_device: 'grid.column.device',
};

const GRID_TYPE: Readonly<Record<ResponseColumnType, GridColumnType>> = { BIGINT: 'id', TIMESTAMP: 'date', VARCHAR: 'text' };

/** The grid columns of one response table, as response-kinds.ts defines them, in order. */
function kindColumns(kind: ResponseKindName, titles: Readonly<Record<string, TitleId>> = {}): ColumnDef[] {
  return RESPONSE_KINDS[kind].columns.map((x) => c(x.column, titles[x.column] ?? TITLES[x.column] ?? 'grid.column.id', GRID_TYPE[x.type]));
}

/** A grid over one response table, all its columns. */
function kindView(kind: ResponseKindName, defaultSort: SortModelItem[], titles: Readonly<Record<string, TitleId>> = {}): ViewDef {
  return tableView(RESPONSE_KINDS[kind].table, kindColumns(kind, titles), defaultSort);
}

/** The columns every event table has (an unsubscribe is nothing but them). */
const EVENT_COMMON = kindColumns('unsubscribes');

const NEWEST_FIRST: SortModelItem[] = [{ colId: 'created', sort: 'desc' }];

const VIEWS: Readonly<Record<GridViewName, ViewDef>> = {
  mailings: kindView('mailings', [{ colId: 'started', sort: 'desc' }], { id: 'grid.column.mailingId' }),
  mailing_recipients: kindView('mailingrecipients', NEWEST_FIRST, { created: 'grid.column.sent' }),
  links: kindView('links', [{ colId: 'id', sort: 'asc' }], { id: 'grid.column.linkId' }),
  clicks: kindView('clicks', NEWEST_FIRST),
  opens: kindView('opens', NEWEST_FIRST),
  unsubscribes: kindView('unsubscribes', NEWEST_FIRST),
  responses: kindView('responses', NEWEST_FIRST),
  clicks_with_links: {
    columns: [
      c('link_id', 'grid.column.linkId', 'id', 'k.link_id'),
      c('link_name', 'grid.column.linkName', 'text', 'l.name'),
      c('url', 'grid.column.url', 'text', 'l.url'),
      ...EVENT_COMMON.map((x) => ({ ...x, sql: `k.${x.sql}` })),
      c('click_browser', 'grid.column.browser', 'text', 'k.click_browser'),
      c('click_platform', 'grid.column.platform', 'text', 'k.click_platform'),
      c('click_device', 'grid.column.device', 'text', 'k.click_device'),
    ],
    // Links may repeat across daily files (and per recipient); one name/url per link.
    from: (s) => `(SELECT rowid AS _rid, * FROM clicks WHERE TRUE ${s.rows()} ${s.mailing('')} ${s.user('')}) k
      LEFT JOIN (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links GROUP BY id, mailing_id) l
      ON l.id = k.link_id AND l.mailing_id = k.mailing_id`,
    tieBreak: 'k._rid',
    rowKey: 'k._rid',
    rowTable: 'clicks',
    defaultSort: [{ colId: 'created', sort: 'desc' }],
  },
  recipient_journey: {
    columns: [
      c('created', 'grid.column.time', 'date', 'j.created'),
      c('event', 'grid.column.event', 'text', 'j.event'),
      c('mailing_id', 'grid.column.mailingId', 'id', 'j.mailing_id'),
      c('mailing_to_user_id', 'grid.column.mailingToUserId', 'id', 'j.mailing_to_user_id'),
      c('user_id', 'grid.column.recipient', 'text', 'j.user_id'),
      c('detail', 'grid.column.detail', 'text', 'j.detail'),
    ],
    from: (s) => `(
      SELECT created, 'sent' AS event, 1 AS step, mailing_id, mailing_to_user_id, user_id, sending_status AS detail FROM mailing_recipients WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT created, 'open', 2, mailing_id, mailing_to_user_id, user_id, concat_ws(' / ', open_device, open_platform, open_browser) FROM opens WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT k.created, 'click', 3, k.mailing_id, k.mailing_to_user_id, k.user_id, coalesce(l.name || ' ', '') || coalesce(l.url, CAST(k.link_id AS VARCHAR))
        FROM clicks k LEFT JOIN (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links GROUP BY id, mailing_id) l ON l.id = k.link_id AND l.mailing_id = k.mailing_id
        WHERE TRUE ${s.user('k.')} ${s.mailing('k.')}
      UNION ALL SELECT created, CASE WHEN category = 'fatal_bounce' THEN 'hard bounce' WHEN category IN ('bounce', 'temporary_bounce') THEN 'soft bounce' ELSE 'response' END, 4,
        mailing_id, mailing_to_user_id, user_id, category FROM responses WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT created, 'unsubscribe', 5, mailing_id, mailing_to_user_id, user_id, NULL FROM unsubscribes WHERE TRUE ${s.user('')} ${s.mailing('')}
    ) j`,
    tieBreak: 'j.step, j.mailing_id, j.detail',
    defaultSort: [{ colId: 'created', sort: 'asc' }],
    requiresUser: true,
  },
  bounces_by_category: {
    columns: [
      c('mailing_id', 'grid.column.mailingId', 'id', 'b.mailing_id'),
      c('category', 'grid.column.category', 'text', 'b.category'),
      c('bounce_class', 'grid.column.bounceClass', 'text', 'b.bounce_class'),
      c('recipients', 'grid.column.recipients', 'number', 'b.recipients'),
      c('events', 'grid.column.events', 'number', 'b.events'),
      c('first_at', 'grid.column.first', 'date', 'b.first_at'),
      c('last_at', 'grid.column.last', 'date', 'b.last_at'),
    ],
    from: (s) => `(
      SELECT mailing_id, category, CASE WHEN category = 'fatal_bounce' THEN 'hard' ELSE 'soft' END AS bounce_class,
        count(DISTINCT mailing_to_user_id) AS recipients, count(*) AS events, min(created) AS first_at, max(created) AS last_at
      FROM (
        SELECT mailing_id, mailing_to_user_id, user_id, category, created FROM responses WHERE category IN ${BOUNCE_CATEGORIES} ${s.mailing('')} ${s.user('')}
        UNION ALL SELECT mailing_id, mailing_to_user_id, user_id, response_category, created FROM mailing_recipients WHERE response_category IN ${BOUNCE_CATEGORIES} ${s.mailing('')} ${s.user('')}
      ) GROUP BY mailing_id, category
    ) b`,
    tieBreak: 'b.mailing_id, b.category',
    defaultSort: [{ colId: 'mailing_id', sort: 'desc' }],
  },
};

/** The columns of a view (the allowlist), for grid column definitions and exports. */
export function gridColumns(view: GridViewName): readonly GridColumn[] {
  return viewDef(view).columns.map(({ colId, title, titleId, type }) => ({ colId, title, titleId, type }));
}

/** The definition of a view; an unknown view name is refused with the known ones listed. */
export function viewDef(view: string): ViewDef {
  const def = (VIEWS as Record<string, ViewDef | undefined>)[view];
  if (!def || !Object.prototype.hasOwnProperty.call(VIEWS, view)) {
    throw new AppError('INVALID_INPUT', 'error.responses.unknownView', { view, known: GRID_VIEW_NAMES.join(', ') });
  }
  return def;
}

