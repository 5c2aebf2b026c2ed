/**
 * The seven closed-loop response file kinds: which header names each carries, the
 * snake_case column each lands in, and its SQL type. One table of data drives the schema,
 * the ingest and the grid allowlists, so the three cannot drift apart.
 */

/** SQL type of a response column (IDs are 64-bit, never JS numbers). */
export type ResponseColumnType = 'BIGINT' | 'TIMESTAMP' | 'VARCHAR';

/** One column of a response file. */
export interface ResponseColumn {
  /** The name in the file's header row (the spec's column name). */
  readonly header: string;
  /** The snake_case column in the table. */
  readonly column: string;
  readonly type: ResponseColumnType;
  /** A file without this header is rejected; optional ones are NULL when absent. */
  readonly required: boolean;
}

/** A file kind: its table and columns. */
export interface ResponseKind {
  /** The kind as in the file name (`YYYYMMDD_<kind>.csv`). */
  readonly kind: ResponseKindName;
  /** The table its rows land in. */
  readonly table: string;
  readonly columns: readonly ResponseColumn[];
  /** The column retention compares with (rows older than the cut-off go). */
  readonly timeColumn: string | null;
}

import { RESPONSE_KIND_NAMES, type ResponseKindName } from '../../../shared/contract/response-file-names';

export { RESPONSE_KIND_NAMES, type ResponseKindName };

const col = (header: string, column: string, type: ResponseColumnType, required = true): ResponseColumn => ({ header, column, type, required });

/** Every kind, keyed by name. */
export const RESPONSE_KINDS: Readonly<Record<ResponseKindName, ResponseKind>> = {
  mailings: {
    kind: 'mailings',
    table: 'mailings',
    timeColumn: 'started',
    columns: [
      col('id', 'id', 'BIGINT'),
      col('compoundMasterId', 'compound_master_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      // Plural in the spec ("recipient lists"): may carry several IDs, so kept as text.
      col('mailing.recipientLists', 'recipient_lists', 'VARCHAR'),
      col('started', 'started', 'TIMESTAMP'),
      col('finished', 'finished', 'TIMESTAMP'),
    ],
  },
  mailingrecipients: {
    kind: 'mailingrecipients',
    table: 'mailing_recipients',
    timeColumn: 'created',
    columns: [
      col('id', 'mailing_to_user_id', 'BIGINT'),
      col('mailingId', 'mailing_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('userId', 'user_id', 'VARCHAR'),
      col('created', 'created', 'TIMESTAMP'),
      col('sendingStatus', 'sending_status', 'VARCHAR'),
      col('deliveryStatus', 'delivery_status', 'VARCHAR', false),
      col('response.category', 'response_category', 'VARCHAR', false),
    ],
  },
  links: {
    kind: 'links',
    table: 'links',
    timeColumn: null,
    columns: [
      col('id', 'id', 'BIGINT'),
      col('mailingId', 'mailing_id', 'BIGINT'),
      // The spec lists it for links, but a link is per mailing; tolerate files without it.
      col('mailingToUserId', 'mailing_to_user_id', 'BIGINT', false),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('name', 'name', 'VARCHAR'),
      col('url', 'url', 'VARCHAR'),
    ],
  },
  clicks: {
    kind: 'clicks',
    table: 'clicks',
    timeColumn: 'created',
    columns: [
      col('linkId', 'link_id', 'BIGINT'),
      col('mailingId', 'mailing_id', 'BIGINT'),
      col('mailingToUserId', 'mailing_to_user_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('userId', 'user_id', 'VARCHAR'),
      col('created', 'created', 'TIMESTAMP'),
      col('click.browser', 'click_browser', 'VARCHAR', false),
      col('click.platform', 'click_platform', 'VARCHAR', false),
      col('click.device', 'click_device', 'VARCHAR', false),
    ],
  },
  opens: {
    kind: 'opens',
    table: 'opens',
    timeColumn: 'created',
    columns: [
      col('linkId', 'link_id', 'BIGINT', false),
      col('mailingId', 'mailing_id', 'BIGINT'),
      col('mailingToUserId', 'mailing_to_user_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('userId', 'user_id', 'VARCHAR'),
      col('created', 'created', 'TIMESTAMP'),
      col('open.browser', 'open_browser', 'VARCHAR', false),
      col('open.platform', 'open_platform', 'VARCHAR', false),
      col('open.device', 'open_device', 'VARCHAR', false),
    ],
  },
  unsubscribes: {
    kind: 'unsubscribes',
    table: 'unsubscribes',
    timeColumn: 'created',
    columns: [
      col('mailingId', 'mailing_id', 'BIGINT'),
      col('mailingToUserId', 'mailing_to_user_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('userId', 'user_id', 'VARCHAR'),
      col('created', 'created', 'TIMESTAMP'),
    ],
  },
  responses: {
    kind: 'responses',
    table: 'responses',
    timeColumn: 'created',
    columns: [
      col('mailingId', 'mailing_id', 'BIGINT'),
      col('mailingToUserId', 'mailing_to_user_id', 'BIGINT'),
      col('mailingGroupId', 'mailing_group_id', 'BIGINT'),
      col('userId', 'user_id', 'VARCHAR'),
      col('created', 'created', 'TIMESTAMP'),
      col('category', 'category', 'VARCHAR'),
    ],
  },
};

/** True for a known kind name. */
export function isResponseKind(value: string): value is ResponseKindName {
  return (RESPONSE_KIND_NAMES as readonly string[]).includes(value);
}

/** The CREATE TABLE statement of one kind (every row tagged with its ledger entry). */
export function createTableSql(kind: ResponseKind): string {
  const cols = kind.columns.map((c) => `${c.column} ${c.type}`).join(', ');
  return `CREATE TABLE ${kind.table} (${cols}, source_file BIGINT NOT NULL);`;
}
