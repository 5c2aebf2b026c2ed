/**
 * The grid catalogue: which views the response grids offer, their columns (the allowlist a
 * grid request is checked against), the SQL behind each column and each view's source.
 */
import { GridView, type GridColumn, type GridColumnType, type GridViewName, type SortModelItem } from '../../../shared/contract/responses';
import { AppError } from '../../../shared/contract/result';
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
}

/** The scope of a request as SQL fragments, filled in by the query compiler. */
export interface ScopeSql {
  /** `AND …` for the user scope, or ''. */
  readonly user: (alias: string) => string;
  readonly mailing: (alias: string) => string;
  /** `AND rowid IN (…)` when fetching known rows of a `rowKey` view, or ''. */
  readonly rows: () => string;
}

const c = (colId: string, title: string, type: GridColumnType, sql = colId): ColumnDef => ({ colId, title, type, sql });

const BOUNCE_CATEGORIES = `('bounce', 'temporary_bounce', 'fatal_bounce')`;

function tableView(table: string, columns: ColumnDef[], defaultSort: SortModelItem[]): ViewDef {
  const hasMailing = columns.some((x) => x.colId === 'mailing_id');
  const hasUser = columns.some((x) => x.colId === 'user_id');
  return {
    columns: columns.map((x) => ({ ...x, sql: `t.${x.sql}` })),
    from: (s) => `(SELECT rowid AS _rid, * FROM ${table} WHERE TRUE ${s.rows()} ${hasMailing ? s.mailing('') : ''} ${hasUser ? s.user('') : ''}) t`,
    tieBreak: 't._rid',
    rowKey: 't._rid',
    defaultSort,
  };
}

/** Grid titles of the response tables' columns; a view may name one differently. */
const TITLES: Readonly<Record<string, string>> = {
  compound_master_id: 'Campaign ID',
  mailing_id: 'Mailing ID',
  mailing_to_user_id: 'Mailing-to-user ID',
  mailing_group_id: 'Mailing group ID',
  link_id: 'Link ID',
  user_id: 'Recipient',
  created: 'Time',
  recipient_lists: 'Recipient lists',
  started: 'Started',
  finished: 'Finished',
  sending_status: 'Sending status',
  delivery_status: 'Delivery status',
  response_category: 'Response category',
  name: 'Link name',
  url: 'URL',
  category: 'Category',
  click_browser: 'Browser',
  click_platform: 'Platform',
  click_device: 'Device',
  open_browser: 'Browser',
  open_platform: 'Platform',
  open_device: 'Device',
};

const GRID_TYPE: Readonly<Record<ResponseColumnType, GridColumnType>> = { BIGINT: 'id', TIMESTAMP: 'date', VARCHAR: 'text' };

/** The grid columns of one response table, as response-kinds.ts defines them, in order. */
function kindColumns(kind: ResponseKindName, titles: Readonly<Record<string, string>> = {}): ColumnDef[] {
  return RESPONSE_KINDS[kind].columns.map((x) => c(x.column, titles[x.column] ?? TITLES[x.column] ?? x.column, GRID_TYPE[x.type]));
}

/** A grid over one response table, all its columns. */
function kindView(kind: ResponseKindName, defaultSort: SortModelItem[], titles: Readonly<Record<string, string>> = {}): ViewDef {
  return tableView(RESPONSE_KINDS[kind].table, kindColumns(kind, titles), defaultSort);
}

/** The columns every event table has (an unsubscribe is nothing but them). */
const EVENT_COMMON = kindColumns('unsubscribes');

const NEWEST_FIRST: SortModelItem[] = [{ colId: 'created', sort: 'desc' }];

const VIEWS: Readonly<Record<GridViewName, ViewDef>> = {
  mailings: kindView('mailings', [{ colId: 'started', sort: 'desc' }], { id: 'Mailing ID' }),
  mailing_recipients: kindView('mailingrecipients', NEWEST_FIRST, { created: 'Sent' }),
  links: kindView('links', [{ colId: 'id', sort: 'asc' }], { id: 'Link ID' }),
  clicks: kindView('clicks', NEWEST_FIRST),
  opens: kindView('opens', NEWEST_FIRST),
  unsubscribes: kindView('unsubscribes', NEWEST_FIRST),
  responses: kindView('responses', NEWEST_FIRST),
  clicks_with_links: {
    columns: [
      c('link_id', 'Link ID', 'id', 'k.link_id'),
      c('link_name', 'Link name', 'text', 'l.name'),
      c('url', 'URL', 'text', 'l.url'),
      ...EVENT_COMMON.map((x) => ({ ...x, sql: `k.${x.sql}` })),
      c('click_browser', 'Browser', 'text', 'k.click_browser'),
      c('click_platform', 'Platform', 'text', 'k.click_platform'),
      c('click_device', 'Device', 'text', 'k.click_device'),
    ],
    // Links may repeat across daily files (and per recipient); one name/url per link.
    from: (s) => `(SELECT rowid AS _rid, * FROM clicks WHERE TRUE ${s.rows()} ${s.mailing('')} ${s.user('')}) k
      LEFT JOIN (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links GROUP BY id, mailing_id) l
      ON l.id = k.link_id AND l.mailing_id = k.mailing_id`,
    tieBreak: 'k._rid',
    rowKey: 'k._rid',
    defaultSort: [{ colId: 'created', sort: 'desc' }],
  },
  recipient_journey: {
    columns: [
      c('created', 'Time', 'date', 'j.created'),
      c('event', 'Event', 'text', 'j.event'),
      c('mailing_id', 'Mailing ID', 'id', 'j.mailing_id'),
      c('mailing_to_user_id', 'Mailing-to-user ID', 'id', 'j.mailing_to_user_id'),
      c('user_id', 'Recipient', 'text', 'j.user_id'),
      c('detail', 'Detail', 'text', 'j.detail'),
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
      c('mailing_id', 'Mailing ID', 'id', 'b.mailing_id'),
      c('category', 'Category', 'text', 'b.category'),
      c('bounce_class', 'Class', 'text', 'b.bounce_class'),
      c('recipients', 'Recipients', 'number', 'b.recipients'),
      c('events', 'Events', 'number', 'b.events'),
      c('first_at', 'First', 'date', 'b.first_at'),
      c('last_at', 'Last', 'date', 'b.last_at'),
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
  return viewDef(view).columns.map(({ colId, title, type }) => ({ colId, title, type }));
}

/** The definition of a view; an unknown view name is refused with the known ones listed. */
export function viewDef(view: string): ViewDef {
  const def = (VIEWS as Record<string, ViewDef | undefined>)[view];
  if (!def || !Object.prototype.hasOwnProperty.call(VIEWS, view)) {
    throw new AppError('INVALID_INPUT', `Unknown view "${view}". Known views: ${GRID_VIEW_NAMES.join(', ')}.`);
  }
  return def;
}

