// Applies prisma/migrations with plain `pg`: Prisma 7's native migrate engine cannot be downloaded on
// every machine, but the history it keeps (`_prisma_migrations`) is reproduced exactly, so
// `prisma migrate deploy` accepts a database migrated here.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { defaultMigrationsDir, type MigrationFile, readMigrationFiles } from "./migration-files";
import {
  appliedNames,
  CREATE_MIGRATIONS_TABLE,
  MIGRATIONS_TABLE,
  readMigrationRows,
  verifyHistory,
} from "./migration-history";

export { MigrationHistoryError } from "./migration-history";

/**
 * The advisory lock key Prisma Migrate itself uses, so this runner and a `prisma migrate deploy`
 * started elsewhere also exclude each other. Advisory locks are scoped to the current database.
 */
export const MIGRATION_LOCK_KEY = "72707369";

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (message: string) => void;
}

async function connect(connectionString: string, log: (message: string) => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, application_name: "sts-console-migrate" });
  // An idle client that loses its connection emits "error"; unhandled, that would crash the process.
  client.on("error", (error) => log(`Migration connection lost: ${error.message}`));
  await client.connect();
  return client;
}

/**
 * One migration and its history row commit together: a failure leaves neither behind, so unlike
 * Prisma (which records a failed row and then refuses to go on) a retry after fixing the script is
 * safe. A script that cannot run inside a transaction block (e.g. CREATE INDEX CONCURRENTLY) fails
 * here with Postgres' own error.
 */
async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "${MIGRATIONS_TABLE}" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg then uses the simple query protocol, which accepts a multi-statement script.
    await client.query(migration.sql);
    // clock_timestamp(): now() is frozen at the start of the transaction and would equal started_at.
    await client.query(
      `UPDATE "${MIGRATIONS_TABLE}" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}

/**
 * Applies every migration folder not yet recorded, in name order. Safe to run repeatedly and from
 * several processes at once: the whole run holds an advisory lock, taken on a connection of its
 * own so that nothing a migration script does to its session (or a failed transaction) can drop it.
 */
export async function migrateDatabase(
  connectionString: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => undefined);
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());

  const lockClient = await connect(connectionString, log);
  let worker: pg.Client | undefined;
  try {
    const attempt = await lockClient.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock($1::bigint) AS locked",
      [MIGRATION_LOCK_KEY],
    );
    if (!attempt.rows[0]?.locked) {
      log("Another process is migrating this database; waiting for it to finish.");
      await lockClient.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }

    worker = await connect(connectionString, log);
    // Read the history only now, under the lock: whoever held it before may have applied migrations.
    await worker.query(CREATE_MIGRATIONS_TABLE);
    const rows = await readMigrationRows(worker);
    verifyHistory(rows, files);
    const done = appliedNames(rows);

    const applied: string[] = [];
    for (const migration of files) {
      if (done.has(migration.name)) continue;
      log(`Applying migration ${migration.name}`);
      await applyOne(worker, migration);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await worker?.end().catch(() => undefined);
    // Ending the session releases the lock too; the explicit unlock just makes that immediate.
    await lockClient
      .query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}

/**
 * Names of migrations on disk that the database has not applied (for readiness checks). Takes no
 * lock and creates nothing; it throws the same history errors migrateDatabase would, since a
 * database in that state is not ready either.
 */
export async function pendingMigrations(
  connectionString: string,
  options: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<string[]> {
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  const client = await connect(connectionString, () => undefined);
  try {
    const rows = await readMigrationRows(client);
    verifyHistory(rows, files);
    const done = appliedNames(rows);
    return files.filter((file) => !done.has(file.name)).map((file) => file.name);
  } finally {
    await client.end().catch(() => undefined);
  }
}
