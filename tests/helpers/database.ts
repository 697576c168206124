// How tests reach Postgres. The global setup (tests/setup/global-database.ts) creates one migrated
// database per run; tests/setup/file-database.ts gives each integration file its own copy in
// DATABASE_URL; createScratchDatabase() is for tests that need yet another (e.g. an empty one).
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabase, dropDatabase } from "../../src/server/db/admin";
import { migrateDatabase } from "../../src/server/db/migrate";

export interface ScratchDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** The run's shared, migrated database. Prefer fileDatabaseUrl() when writing data. */
export function runDatabaseUrl(): string {
  return inject("testDatabaseUrl");
}

/**
 * This integration file's own migrated database (also in process.env.DATABASE_URL). Throws instead
 * of silently falling back to some other database when the setup file did not run for this file.
 */
export function fileDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url || !new URL(url).pathname.startsWith(`/${inject("testDatabaseName")}_`)) {
    throw new Error("No per-file test database: only files under tests/integration/ get one.");
  }
  return url;
}

/**
 * A database of the caller's own on the test server, empty unless `migrated` is set. Its name starts
 * with the run's database name, so the global teardown drops it even if `drop()` is never called.
 */
export async function createScratchDatabase(options: { migrated?: boolean } = {}): Promise<ScratchDatabase> {
  const serverUrl = inject("testServerUrl");
  const name = `${inject("testDatabaseName")}_s${randomBytes(4).toString("hex")}`;
  const url = await createDatabase(serverUrl, name);
  if (options.migrated) await migrateDatabase(url);
  return { url, name, drop: () => dropDatabase(serverUrl, name) };
}
