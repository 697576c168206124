// The `_prisma_migrations` table, kept byte-compatible with Prisma's so that `prisma migrate deploy`
// (or `migrate status`) can take over a database that this runner migrated, and vice versa.
import { type ClientBase } from "pg";
import { type MigrationFile, scriptMatchesChecksum } from "./migration-files";

export const MIGRATIONS_TABLE = "_prisma_migrations";

/** Prisma's own DDL for Postgres (schema-engine `postgres` flavour), column for column. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Raised when the database history and the files on disk disagree; names the migration at fault. */
export class MigrationHistoryError extends Error {
  constructor(
    readonly migrationName: string,
    message: string,
  ) {
    super(message);
    this.name = "MigrationHistoryError";
  }
}

/**
 * Rows in insertion order. `to_regclass` follows search_path exactly like the unqualified name used
 * everywhere else here, so a missing table simply means "nothing applied yet".
 */
export async function readMigrationRows(client: ClientBase): Promise<MigrationRow[]> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `"${MIGRATIONS_TABLE}"`,
  ]);
  if (!exists.rows[0]?.present) return [];
  const result = await client.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "${MIGRATIONS_TABLE}" ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

/**
 * Prisma's reading of the table: a row with `rolled_back_at` set has been resolved and no longer
 * counts; a row with neither `finished_at` nor `rolled_back_at` is a failed attempt.
 */
export function appliedNames(rows: MigrationRow[]): Set<string> {
  return new Set(
    rows
      .filter((row) => row.finished_at !== null && row.rolled_back_at === null)
      .map((row) => row.migration_name),
  );
}

/**
 * Refuses to continue when applying more migrations could make things worse: a failed attempt left
 * the schema in an unknown state, an applied script was edited (its change would never reach this
 * database), or an applied migration vanished from disk (wrong checkout or deleted history).
 */
export function verifyHistory(rows: MigrationRow[], files: MigrationFile[]): void {
  const filesByName = new Map(files.map((file) => [file.name, file]));
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    const name = row.migration_name;
    if (row.finished_at === null) {
      throw new MigrationHistoryError(
        name,
        `Migration ${name} failed in an earlier attempt (finished_at and rolled_back_at are null in ` +
          `${MIGRATIONS_TABLE}). Repair the database by hand, then mark the row rolled back ` +
          `(\`prisma migrate resolve --rolled-back ${name}\` or set rolled_back_at) before migrating again.`,
      );
    }
    const file = filesByName.get(name);
    if (!file) {
      throw new MigrationHistoryError(
        name,
        `Migration ${name} is recorded as applied but prisma/migrations/${name}/migration.sql is missing.`,
      );
    }
    if (!scriptMatchesChecksum(file.sql, row.checksum)) {
      throw new MigrationHistoryError(
        name,
        `Migration ${name} was edited after it was applied (checksum ${row.checksum} in the database, ` +
          `${file.checksum} on disk). Restore the original file and put the change in a new migration.`,
      );
    }
  }
}
