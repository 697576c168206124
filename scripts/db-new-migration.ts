// `npm run db:new-migration -- <name>`: writes the SQL that brings a database built from the existing
// migrations up to prisma/schema.prisma, as prisma/migrations/<UTC yyyyMMddHHmmss>_<name>/migration.sql.
// Replaces `prisma migrate dev --create-only`, whose native engine cannot be downloaded here: the
// existing migrations are replayed on a scratch database, which is then diffed against the schema.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createDatabase, dropDatabase, uniqueDatabaseName } from "../src/server/db/admin";
import { migrateDatabase } from "../src/server/db/migrate";
import { defaultMigrationsDir } from "../src/server/db/migration-files";
import { diffSchemas } from "./lib/schema-engine";

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    console.error("Usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _)");
    process.exitCode = 2;
    return;
  }
  const migrationsDir = defaultMigrationsDir();
  const folder = `${utcStamp(new Date())}_${name}`;
  // Migrations apply in name order; a folder sorting before an existing one points at a wrong clock.
  const existing = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const last = existing.at(-1);
  if (last !== undefined && folder <= last) {
    throw new Error(`New migration ${folder} would sort before the existing ${last}; check the clock.`);
  }

  // CREATE DATABASE works from any database, so DATABASE_URL's own database serves as the admin link.
  const serverUrl = process.env.DATABASE_URL || LOCAL_SERVER;
  const scratch = uniqueDatabaseName("sts_migration_scratch");
  const scratchUrl = await createDatabase(serverUrl, scratch);
  try {
    await migrateDatabase(scratchUrl, { migrationsDir });
    const sql = await diffSchemas(scratchUrl, "database", "schema");
    if (sql.trim() === "") {
      console.log("schema and migrations agree; nothing written.");
      return;
    }
    const dir = path.join(migrationsDir, folder);
    await mkdir(dir);
    await writeFile(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}:\n\n${sql}`);
    console.log("Review it (add what Prisma cannot express: CHECKs, triggers), then run npm run db:migrate.");
  } finally {
    await dropDatabase(serverUrl, scratch);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
