import { readdirSync } from "node:fs";
// Our runner and Prisma Migrate must be interchangeable on the same database: Prisma's own deploy
// logic (the schema engine's applyMigrations, run here through its wasm build) is the judge.
import path from "node:path";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { migrateDatabase } from "@/server/db/migrate";
import { prismaMigrateDeploy } from "../../scripts/lib/schema-engine";
import { createScratchDatabase, fileDatabaseUrl, type ScratchDatabase } from "../helpers/database";

const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const scratch: ScratchDatabase[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((database) => database.drop()));
});

it("prisma migrate deploy finds a database migrated by migrateDatabase up to date", async () => {
  // Migrated by tests/setup/file-database.ts with migrateDatabase.
  expect(await prismaMigrateDeploy(fileDatabaseUrl(), MIGRATIONS_DIR)).toEqual([]);
});

it("migrateDatabase accepts a database deployed by Prisma, checksums included", async () => {
  const database = await createScratchDatabase();
  scratch.push(database);
  const all = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  expect(await prismaMigrateDeploy(database.url, MIGRATIONS_DIR)).toEqual(all);

  expect(await migrateDatabase(database.url)).toEqual({ applied: [] });

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const rows = await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows.rows).toEqual([{ n: all.length }]);
  } finally {
    await client.end();
  }
});
