/**
 * Numbered schema migrations of the team database, like the data file's (store/migrations.ts).
 * Append only: a migration that shipped is never edited, because teams' databases already ran it.
 */
export interface TeamMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration the team database must have run. */
export const TEAM_MIGRATIONS: readonly TeamMigration[] = [
  {
    version: 1,
    name: 'shared send journal, source-mailing lock, file-name reservations, leases',
    sql: `
      CREATE TABLE team_workstations (
        id text PRIMARY KEY,
        name text NOT NULL,
        last_seen timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE team_sends (
        id text PRIMARY KEY,
        profile text NOT NULL,
        client text NOT NULL,
        source_mailing_id text NOT NULL,
        source_mailing_name text NOT NULL,
        test boolean NOT NULL,
        state text NOT NULL,
        -- True while the send holds its source mailing; the partial unique index below is the lock.
        active boolean NOT NULL,
        recipients integer NOT NULL,
        upload_dir text NOT NULL,
        log_dir text NOT NULL,
        file_name text NOT NULL,
        products_file_name text,
        mailing_id text,
        -- The workstation that owns the send's files and follows it (the creator, or the one that adopted it).
        workstation text NOT NULL,
        lease_holder text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      );
      CREATE UNIQUE INDEX team_sends_one_in_flight ON team_sends (profile, client, source_mailing_id) WHERE active;
      CREATE TABLE team_send_events (
        id bigserial PRIMARY KEY,
        send_id text NOT NULL REFERENCES team_sends(id),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL,
        message text NOT NULL,
        workstation text NOT NULL
      );
      CREATE INDEX team_send_events_send ON team_send_events (send_id, id);
      CREATE TABLE team_file_names (
        profile text NOT NULL,
        upload_dir text NOT NULL,
        name text NOT NULL,
        send_id text NOT NULL REFERENCES team_sends(id),
        reserved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (profile, upload_dir, name)
      );
    `,
  },
  {
    version: 2,
    name: 'four-eyes approvals; who started a send and when it is due',
    sql: `
      -- The workstation that started a send (ownership may move on adoption; this never does).
      ALTER TABLE team_sends ADD COLUMN started_by text;
      UPDATE team_sends SET started_by = workstation;
      ALTER TABLE team_sends ALTER COLUMN started_by SET NOT NULL;
      ALTER TABLE team_sends ADD COLUMN scheduled_at timestamptz;
      -- Four-eyes: the decision of another team member (approved or rejected), by whom, when, why.
      ALTER TABLE team_sends ADD COLUMN decision text CHECK (decision IN ('approved', 'rejected'));
      ALTER TABLE team_sends ADD COLUMN decided_by text;
      ALTER TABLE team_sends ADD COLUMN decided_by_name text;
      ALTER TABLE team_sends ADD COLUMN decided_at timestamptz;
      ALTER TABLE team_sends ADD COLUMN decision_reason text;
      ALTER TABLE team_sends ADD CONSTRAINT team_sends_four_eyes CHECK (decided_by IS NULL OR decided_by <> started_by);
    `,
  },
  {
    version: 6,
    name: 'catalog keys for the shared journal\'s send steps',
    sql: `
      -- A step's sentence as its catalog key and values (JSON) beside the English message, so every
      -- workstation shows another's steps in its own language. Steps written before keep their English text.
      ALTER TABLE team_send_events ADD COLUMN message_id text;
      ALTER TABLE team_send_events ADD COLUMN message_values text;
    `,
  },
];
