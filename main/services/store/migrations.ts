/**
 * Numbered schema migrations of the data file. Append only: a migration that shipped is
 * never edited, because operators' files already ran it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'activity log',
    sql: `
      CREATE SEQUENCE activity_seq START 1;
      CREATE TABLE activity (
        id BIGINT PRIMARY KEY DEFAULT nextval('activity_seq'),
        occurred_at TIMESTAMPTZ NOT NULL,
        level VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        profile VARCHAR,
        message VARCHAR NOT NULL,
        details VARCHAR
      );
      CREATE INDEX activity_occurred_at ON activity(occurred_at);
    `,
  },
];
