import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { RESPONSES_MIGRATIONS } from '../responses/responses-migrations';
import { MIGRATIONS, type Migration } from './migrations';

/** A row as plain JS values (BIGINT as bigint, timestamps as DuckDB values' JS form). */
export type Row = Record<string, unknown>;

/**
 * The one DuckDB data file of a data dir. Serialises statements on one connection so a
 * transaction is never interleaved with another caller's statements.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** Path of the data file (or `:memory:`). */
    readonly path: string,
  ) {}

  /** Opens (creating if needed) the data file and runs pending migrations. */
  static async open(path: string, migrations: readonly Migration[] = [...MIGRATIONS, ...RESPONSES_MIGRATIONS]): Promise<Database> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    const db = new Database(instance, connection, path);
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
    const connection = await this.instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
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
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
    }
  }
}
