/**
 * Numbered schema migrations of the data file. Append only: a migration that shipped is
 * never edited, because operators' files already ran it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The core migrations (versions 1…99); the composition root adds the other services' (`ALL_MIGRATIONS` in main/app/app-migrations.ts). */
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
  {
    version: 2,
    name: 'send journal, mapping memory, suppression list',
    sql: `
      CREATE TABLE sends (
        id VARCHAR PRIMARY KEY,
        profile VARCHAR NOT NULL,
        client VARCHAR NOT NULL,
        source_mailing_id VARCHAR NOT NULL,
        source_mailing_name VARCHAR NOT NULL,
        wave_id VARCHAR NOT NULL,
        test BOOLEAN NOT NULL,
        state VARCHAR NOT NULL,
        scheduled_at TIMESTAMPTZ NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        input_file VARCHAR NOT NULL,
        draft_json VARCHAR NOT NULL,
        recipients INTEGER NOT NULL,
        excluded INTEGER NOT NULL,
        file_name VARCHAR NOT NULL,
        products_file_name VARCHAR,
        work_dir VARCHAR NOT NULL,
        archive_dir VARCHAR NOT NULL,
        upload_dir VARCHAR NOT NULL,
        log_dir VARCHAR NOT NULL,
        upload_attempts INTEGER NOT NULL DEFAULT 0,
        mailing_id VARCHAR,
        error_json VARCHAR,
        server_halted BOOLEAN NOT NULL DEFAULT false,
        last_checked_at TIMESTAMPTZ,
        names_final BOOLEAN NOT NULL DEFAULT false
      );
      CREATE TABLE send_events (
        send_id VARCHAR NOT NULL,
        occurred_at TIMESTAMPTZ NOT NULL,
        state VARCHAR NOT NULL,
        message VARCHAR NOT NULL
      );
      CREATE TABLE mapping_memory (
        profile VARCHAR NOT NULL,
        client VARCHAR NOT NULL,
        header_key VARCHAR NOT NULL,
        mapping_json VARCHAR NOT NULL,
        saved_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (profile, client, header_key)
      );
      CREATE TABLE suppression (
        email VARCHAR PRIMARY KEY,
        reason VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        added_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'server times on the send timeline',
    // The server's own time of a step (as written) and the zone it was read in; null for steps Loopdesk saw itself.
    sql: `
      ALTER TABLE send_events ADD COLUMN server_time VARCHAR;
      ALTER TABLE send_events ADD COLUMN server_zone VARCHAR;
    `,
  },
  {
    version: 4,
    name: 'catalog keys for activity entries and send timeline steps',
    // The operator's sentence as a catalog key and its values (JSON), so each window shows it in its own language.
    sql: `
      ALTER TABLE activity ADD COLUMN message_id VARCHAR;
      ALTER TABLE activity ADD COLUMN message_values VARCHAR;
      ALTER TABLE send_events ADD COLUMN message_id VARCHAR;
      ALTER TABLE send_events ADD COLUMN message_values VARCHAR;
    `,
  },
  {
    version: 5,
    name: 'suppression list: removal tombstones, team outbox and cursor',
    sql: `
      -- Addresses an operator removed (why, when, by whom: '' for this workstation, else the
      -- team member's name), so a response pull or a team merge never brings them back with an
      -- older unsubscribe; a newer one suppresses the address again.
      CREATE TABLE suppression_removed (
        email VARCHAR PRIMARY KEY,
        reason VARCHAR NOT NULL,
        removed_at TIMESTAMPTZ NOT NULL,
        removed_by VARCHAR NOT NULL
      );
      -- The latest change per address that no team database has confirmed yet (team mode pushes it).
      CREATE TABLE suppression_outbox (
        email VARCHAR PRIMARY KEY,
        removed BOOLEAN NOT NULL,
        reason VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        changed_at TIMESTAMPTZ NOT NULL
      );
      -- How far this data file has read a team database's suppression changes.
      CREATE TABLE suppression_team_cursor (
        target VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'activity log: the log epoch of each entry',
    // The opening of the data file that wrote the entry (Database.epoch); '' for entries written
    // before. Team mode keys its copy by workstation, epoch and id (team-activity-sync.ts).
    sql: `
      ALTER TABLE activity ADD COLUMN epoch VARCHAR DEFAULT '';
    `,
  },
  {
    version: 7,
    name: 'suppression outbox: which clock stamped each change',
    // True: read off this workstation's clock, so team mode puts it on the team database's time
    // when it pushes (team-suppression.ts); false: a time from the mailing server's response
    // files, on real time already. Rows waiting from before stay false: pushed as they were.
    sql: `
      ALTER TABLE suppression_outbox ADD COLUMN workstation_clock BOOLEAN DEFAULT false;
    `,
  },
  {
    version: 8,
    name: 'sends: a send held because the server already has a file under its own name',
    // JSON (send-journal.ts, NameHold): held until the operator says whether the server's file is
    // this send (a restored or copied data file) or another sender's; NULL for every other send.
    sql: `
      ALTER TABLE sends ADD COLUMN name_hold VARCHAR;
    `,
  },
  {
    version: 9,
    name: 'the SFTP server clock per profile',
    // The last measured offset of a profile's server clock from this workstation's (ms, server
    // minus local, true within ± error_ms), on the server with host key `server`; `warned`: the
    // operator was told the clock is more than a minute off (sends/server-clock.ts).
    sql: `
      CREATE TABLE server_clock (
        profile VARCHAR PRIMARY KEY,
        server VARCHAR NOT NULL,
        offset_ms BIGINT NOT NULL,
        error_ms BIGINT NOT NULL,
        measured_at TIMESTAMPTZ NOT NULL,
        warned BOOLEAN NOT NULL DEFAULT false
      );
    `,
  },
];
