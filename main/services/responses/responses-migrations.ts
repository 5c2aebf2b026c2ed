import type { Migration } from '../store/migrations';

/**
 * Schema of the response data (versions 100…199, appended after the core migrations: a change
 * to a response table belongs here, since the core ones run before version 100 made it).
 * Written out literally rather than generated from `response-kinds.ts`: a shipped
 * migration must never change when the kind table is edited later.
 *
 * No primary keys on the event tables: clicks and opens have no key (two identical rows
 * are two events), and the same mailing may appear in several daily files. No ART indexes
 * either: rows arrive file by file, so `source_file` zone maps already prune a replace,
 * and indexes would slow the 10M-row ingest.
 */
export const RESPONSES_MIGRATIONS: readonly Migration[] = [
  {
    version: 100,
    name: 'response data and file ledger',
    sql: `
      CREATE SEQUENCE response_files_seq START 1;
      CREATE TABLE response_files (
        id BIGINT PRIMARY KEY DEFAULT nextval('response_files_seq'),
        profile VARCHAR NOT NULL,
        client VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        mtime TIMESTAMPTZ NOT NULL,
        sha256 VARCHAR NOT NULL,
        row_count BIGINT NOT NULL,
        ingested_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL,
        error VARCHAR,
        error_at TIMESTAMPTZ
      );
      CREATE TABLE mailings (id BIGINT, compound_master_id BIGINT, mailing_group_id BIGINT, recipient_lists VARCHAR, started TIMESTAMP, finished TIMESTAMP, source_file BIGINT NOT NULL);
      CREATE TABLE mailing_recipients (mailing_to_user_id BIGINT, mailing_id BIGINT, mailing_group_id BIGINT, user_id VARCHAR, created TIMESTAMP, sending_status VARCHAR, delivery_status VARCHAR, response_category VARCHAR, source_file BIGINT NOT NULL);
      CREATE TABLE links (id BIGINT, mailing_id BIGINT, mailing_to_user_id BIGINT, mailing_group_id BIGINT, name VARCHAR, url VARCHAR, source_file BIGINT NOT NULL);
      CREATE TABLE clicks (link_id BIGINT, mailing_id BIGINT, mailing_to_user_id BIGINT, mailing_group_id BIGINT, user_id VARCHAR, created TIMESTAMP, click_browser VARCHAR, click_platform VARCHAR, click_device VARCHAR, source_file BIGINT NOT NULL);
      CREATE TABLE opens (link_id BIGINT, mailing_id BIGINT, mailing_to_user_id BIGINT, mailing_group_id BIGINT, user_id VARCHAR, created TIMESTAMP, open_browser VARCHAR, open_platform VARCHAR, open_device VARCHAR, source_file BIGINT NOT NULL);
      CREATE TABLE unsubscribes (mailing_id BIGINT, mailing_to_user_id BIGINT, mailing_group_id BIGINT, user_id VARCHAR, created TIMESTAMP, source_file BIGINT NOT NULL);
      CREATE TABLE responses (mailing_id BIGINT, mailing_to_user_id BIGINT, mailing_group_id BIGINT, user_id VARCHAR, created TIMESTAMP, category VARCHAR, source_file BIGINT NOT NULL);
    `,
  },
  {
    version: 101,
    name: 'catalog keys for response-file ledger errors',
    // A rejected file's reason as its catalog key and values (JSON) beside the English text, so the
    // Files tab says it in the reader's language. Rows written before stay with their English text.
    sql: `
      ALTER TABLE response_files ADD COLUMN error_message_id VARCHAR;
      ALTER TABLE response_files ADD COLUMN error_message_values VARCHAR;
    `,
  },
];
