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
    version: 3,
    name: 'shared profiles: client set-ups and source mailings of team profiles, without secrets',
    sql: `
      -- One row per shared profile. setup is the non-secret set-up (host, port, user, auth kind,
      -- trusted host keys, options, clients); NULL once removed, and the row stays as a marker so a
      -- workstation that still has a copy drops it instead of sharing it again. version counts every
      -- change: a save based on an older version is refused (optimistic concurrency).
      CREATE TABLE team_profiles (
        name text PRIMARY KEY,
        setup jsonb,
        removed boolean NOT NULL DEFAULT false,
        version bigint NOT NULL,
        updated_by text NOT NULL,
        updated_by_name text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT team_profiles_removed_has_no_setup CHECK (removed = (setup IS NULL)),
        -- Secrets and where each workstation keeps them never belong here (each has its own keychain).
        CONSTRAINT team_profiles_no_secret CHECK (setup IS NULL OR NOT (setup ?| ARRAY['auth', 'password', 'passwordEnv', 'privateKey', 'keyPath', 'passphrase', 'passphraseEnv', 'secretStore']))
      );
    `,
  },
  {
    version: 4,
    name: 'shared suppression list with removal tombstones and a change sequence',
    sql: `
      -- Numbers the changes; a pull reads the rows past its cursor. Pushes take an advisory lock, so it commits in order.
      CREATE SEQUENCE team_suppression_seq;
      -- One row per address, its latest change. An operator's removal stays as a tombstone
      -- (removed = true, who and when), so no merge brings the address back.
      CREATE TABLE team_suppression (
        email text PRIMARY KEY,
        removed boolean NOT NULL,
        reason text NOT NULL,
        source text NOT NULL,
        -- When the change was made, on the workstation that made it: the latest change wins.
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL,
        changed_by_name text NOT NULL,
        seq bigint NOT NULL
      );
      CREATE INDEX team_suppression_by_seq ON team_suppression (seq);
      -- Changes that arrived after a newer opposite change of their address: not applied, never lost.
      CREATE TABLE team_suppression_superseded (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        removed boolean NOT NULL,
        reason text NOT NULL,
        source text NOT NULL,
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL,
        changed_by_name text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        superseded_by_seq bigint NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'shared activity log',
    sql: `
      -- Every workstation's activity entries, keyed by the workstation and its local entry id, so a
      -- batch pushed again (after a lost reply, on restart) is written once.
      CREATE TABLE team_activity (
        workstation text NOT NULL,
        local_id bigint NOT NULL,
        -- The workstation's name when it wrote the entry (the list shows the current name when known).
        workstation_name text NOT NULL,
        occurred_at timestamptz NOT NULL,
        level text NOT NULL,
        kind text NOT NULL,
        profile text,
        -- The English text (search, logs), and the catalog key and its values for the reader's language.
        message text NOT NULL,
        message_id text,
        message_values jsonb,
        details text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workstation, local_id)
      );
      CREATE INDEX team_activity_newest ON team_activity (occurred_at DESC);
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
  {
    version: 7,
    name: 'log epochs: activity entries and suppression changes name the data file opening that wrote them',
    sql: `
      -- A workstation's local ids restart when its data file is restored from a backup, made anew
      -- or copied to a second machine; the opening of the data file that wrote an entry (its
      -- random "log epoch") does not repeat, so it joins the key. Rows written before get '' (one
      -- epoch, as they were keyed until now).
      ALTER TABLE team_activity ADD COLUMN epoch text NOT NULL DEFAULT '';
      ALTER TABLE team_activity DROP CONSTRAINT team_activity_pkey;
      ALTER TABLE team_activity ADD PRIMARY KEY (workstation, epoch, local_id);
      -- The epoch that pushed a suppression change: a pull skips only the changes of its own
      -- opening (its file has them), not those of a lost or copied file of the same workstation.
      ALTER TABLE team_suppression ADD COLUMN changed_by_epoch text NOT NULL DEFAULT '';
    `,
  },
  {
    version: 8,
    name: 'excluded rows of each shared send',
    sql: `
      -- Rows the send leaves out (invalid at preparation, suppressed by upload time) beside its
      -- recipients, so other workstations show both counts as they stand now. Sends claimed before show 0.
      ALTER TABLE team_sends ADD COLUMN excluded integer NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 9,
    name: 'steps of each shared send told so far',
    sql: `
      -- How many steps of its owner's local timeline the team journal has (the claim or adoption
      -- counts as the first). Each step is pushed with its position, so a step told twice (an
      -- answer lost, a push retried) is written once, and steps queued while the database was
      -- away all arrive, in order. NULL for sends claimed before: only their newest step is told.
      ALTER TABLE team_sends ADD COLUMN told_steps integer;
    `,
  },
  {
    version: 10,
    name: 'time of the newest step told of each shared send',
    sql: `
      -- The owner's local time of the newest step the team has (beside its position, told_steps).
      -- A data file restored from an older backup has a shorter timeline than the team was told, so
      -- positions alone would hide its new steps; they are all later than this time, though. A step
      -- is taken when (its time, its position) lies past (told_at, told_steps). NULL: positions only
      -- (just claimed or adopted, or claimed before).
      ALTER TABLE team_sends ADD COLUMN told_at timestamptz;
    `,
  },
  {
    version: 11,
    name: 'shared profiles: which removal a version brought back',
    sql: `
      -- A removed profile brought back ("Restore" in Recently removed) names the removal marker's
      -- version it replaced; later changes keep it, a new profile that takes the name clears it.
      -- Each workstation that kept its copy (and its own secret) under that marker takes it back;
      -- a new profile of the same name never gets a secret kept for the old one. NULL: not restored.
      ALTER TABLE team_profiles ADD COLUMN restored_from bigint;
    `,
  },
];
