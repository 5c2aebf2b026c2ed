import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { deriveKey } from './data-key';
import { assertSameCounts, DATA_CATALOG, openEncrypted, openPlain, removeDataFile, sqlString, tableCounts, type DatabaseOptions } from './data-file';
import type { Migration } from './migrations';

export { CRYPTO_EXTENSION_ENV, type DatabaseOptions } from './data-file';

/** A row as plain JS values (BIGINT as bigint, timestamps as DuckDB values' JS form). */
export type Row = Record<string, unknown>;

/** What {@link Database.compact} did. */
export interface CompactResult {
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Rows per table, checked equal in the old and the rewritten file. */
  readonly rows: Readonly<Record<string, number>>;
  readonly ms: number;
}

/**
 * The one DuckDB data file of a data dir. Serialises statements on one connection so a
 * transaction is never interleaved with another caller's statements.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readers = 0;
  private rewriteCount = 0;
  private readersIdle: (() => void)[] = [];
  /**
   * A random id of this opening of the data file (the "log epoch"). Its sequences (the activity
   * log's ids) are unique only within one history of the file, and a restored backup, a file
   * deleted and made anew, or a copy on a second machine forks that history; one opening never
   * forks. So (epoch, id) names an entry everywhere: the team database keys the shared activity
   * log by it, and tells this opening's own suppression changes from a lost file's.
   */
  readonly epoch: string = randomUUID();

  private constructor(
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
    /** Path of the data file (or `:memory:`). */
    readonly path: string,
    /** DuckDB's ENCRYPTION_KEY string (derived from the data key), or undefined for a plain file. */
    private readonly duckKey: string | undefined,
  ) {}

  /** Whether the data file is encrypted at rest. */
  get encrypted(): boolean {
    return this.duckKey !== undefined;
  }

  /**
   * Opens (creating if needed) the data file and runs pending migrations. With an
   * encryption key DuckDB runs in memory and ATTACHes the file with the key (its
   * documented way to open encrypted files). A plain file found there is converted once:
   * checkpointed, copied with `COPY FROM DATABASE` into `<path>.encrypting`, row counts
   * compared, then renamed over the plain file (atomic on one file system). A crash before
   * the rename leaves the plain file in charge and the next start converts again.
   */
  static async open(
    path: string,
    /** Every migration the file must have run (the composition root's ALL_MIGRATIONS). */
    migrations: readonly Migration[],
    options: DatabaseOptions = {},
  ): Promise<Database> {
    const onDisk = path !== ':memory:';
    if (onDisk) {
      // Leftovers of a conversion or compaction cut short; the file at `path` is the truth.
      for (const stale of [`${path}.encrypting`, `${path}.decrypting`, `${path}.compact`]) await removeDataFile(stale);
    }
    const duckKey = options.encryptionKey && onDisk ? deriveKey(options.encryptionKey, 'duckdb v1').toString('base64') : undefined;
    const decryptWith = !duckKey && options.decryptWith && onDisk ? deriveKey(options.decryptWith, 'duckdb v1').toString('base64') : undefined;
    const { instance, connection } = duckKey ? await openEncrypted(path, duckKey, options) : await openPlain(path, decryptWith);
    const db = new Database(instance, connection, path, duckKey);
    await db.migrate(migrations);
    return db;
  }

  /** Runs one statement. */
  run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    return this.enqueue(async () => {
      await this.connection.run(sql, params);
    });
  }

  /** Runs a query and returns its rows as objects with JS values. */
  all<T = Row>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T[]> {
    return this.enqueue(async () => {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    });
  }

  /**
   * Runs `work` inside one transaction: everything or nothing. `work` gets a runner bound
   * to this transaction; do not call the outer methods from inside it (they would wait).
   */
  transaction<T>(work: (tx: { run: Database['run']; all: Database['all'] }) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const tx = {
        run: async (sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>) => {
          await this.connection.run(sql, params);
        },
        all: async <R = Row>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>) =>
          (await this.connection.runAndReadAll(sql, params)).getRowObjectsJS() as R[],
      };
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work(tx as never);
        await this.connection.run('COMMIT');
        return result;
      } catch (e) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** The underlying connection, for appenders and streaming readers (use inside `exclusive`). */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.enqueue(() => work(this.connection));
  }

  /**
   * Runs long reads (an Excel export streaming a million rows) on a connection of their
   * own, so grids, ingests and the send journal are not held up meanwhile. DuckDB gives
   * each connection a consistent snapshot. Temp tables of the main connection are not
   * visible there.
   */
  async onReader<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.readers++;
    try {
      const connection = await this.instance.connect();
      try {
        if (this.duckKey) await connection.run(`USE ${DATA_CATALOG}`);
        return await work(connection);
      } finally {
        connection.closeSync();
      }
    } finally {
      if (--this.readers === 0) for (const wake of this.readersIdle.splice(0)) wake();
    }
  }

  /**
   * Rewrites the data file so deleted rows are really gone from it. DuckDB reuses freed
   * blocks but does not wipe them, so after a DELETE the old values stay readable in the
   * file. This copies the live data (`COPY FROM DATABASE`, same key) into a fresh
   * `<path>.compact`, checks the row count of every table, and renames it over the old
   * file. Waits for running readers; statements queue behind it. The old file's blocks
   * may still exist on the disk itself until the file system reuses them: encryption at
   * rest is what covers that.
   */
  compact(): Promise<CompactResult> {
    return this.enqueue(async () => {
      if (this.path === ':memory:') throw new Error('compact() needs a data file');
      const started = Date.now();
      while (this.readers > 0) await new Promise<void>((wake) => this.readersIdle.push(wake));
      const bytesBefore = (await stat(this.path)).size;
      const current = String((await this.connection.runAndReadAll('SELECT current_database() AS d')).getRowObjectsJS()[0]?.d);
      await this.connection.run('CHECKPOINT');
      const rows = await tableCounts(this.connection, current);
      const target = `${this.path}.compact`;
      await removeDataFile(target);
      await this.connection.run(`ATTACH ${sqlString(target)} AS loopdesk_compact${this.duckKey ? ` (ENCRYPTION_KEY ${sqlString(this.duckKey)})` : ''}`);
      try {
        await this.connection.run(`COPY FROM DATABASE ${current} TO loopdesk_compact`);
        assertSameCounts(rows, await tableCounts(this.connection, 'loopdesk_compact'), 'the rewritten copy');
        await this.connection.run('DETACH loopdesk_compact');
      } catch (e) {
        await this.connection.run('DETACH loopdesk_compact').catch(() => undefined);
        await removeDataFile(target);
        throw e;
      }
      if (this.duckKey) {
        await this.connection.run('USE memory');
        await this.connection.run(`DETACH ${DATA_CATALOG}`);
        await rename(target, this.path);
        await rm(`${this.path}.wal`, { force: true });
        await this.connection.run(`ATTACH ${sqlString(this.path)} AS ${DATA_CATALOG} (ENCRYPTION_KEY ${sqlString(this.duckKey)})`);
        await this.connection.run(`USE ${DATA_CATALOG}`);
      } else {
        this.connection.closeSync();
        this.instance.closeSync();
        await rename(target, this.path);
        await rm(`${this.path}.wal`, { force: true });
        ({ instance: this.instance, connection: this.connection } = await openPlain(this.path));
      }
      const now = String((await this.connection.runAndReadAll('SELECT current_database() AS d')).getRowObjectsJS()[0]?.d);
      assertSameCounts(rows, await tableCounts(this.connection, now), 'the reopened file');
      this.rewriteCount++;
      return { bytesBefore, bytesAfter: (await stat(this.path)).size, rows, ms: Date.now() - started };
    });
  }

  /**
   * How many times {@link compact} rewrote the file. The rewrite numbers every table's rows
   * anew, so whoever keeps rowids (the grid's sorted lists) must drop them when this changes.
   */
  get rewrites(): number {
    return this.rewriteCount;
  }

  /** Closes the file; further calls fail. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async migrate(migrations: readonly Migration[]): Promise<void> {
    await this.connection.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
    const done = new Set(
      (await this.connection.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjectsJS().map((r) => Number(r.version)),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(m.sql);
        await this.connection.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
        await this.connection.run('COMMIT');
      } catch (e) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
    }
  }
}
