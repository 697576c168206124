// prisma/schema.prisma and prisma/migrations must describe the same database: a schema change without
// a migration (or a hand-edited migration that Prisma would not generate) fails here.
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { diffSchemas, SCHEMA_PATH } from "../../scripts/lib/schema-engine";
import { fileDatabaseUrl } from "../helpers/database";

it("migrated database matches prisma/schema.prisma, and the check detects a difference", async () => {
  // This file's own database, migrated by tests/setup/file-database.ts with migrateDatabase.
  const url = fileDatabaseUrl();

  const drift = await diffSchemas(url, "database", "schema");
  expect(
    drift,
    `Schema and migrations disagree. Run \`npm run db:new-migration -- <name>\`. SQL needed:\n${drift}`,
  ).toBe("");

  // The same check against a schema with one extra column must report it, or it proves nothing.
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const withExtraColumn = schema.replace(/^model Tenant \{$/m, "model Tenant {\n  driftProbe String?");
  expect(withExtraColumn).not.toBe(schema);
  const detected = await diffSchemas(url, "database", "schema", { schemaText: withExtraColumn });
  expect(detected).toMatch(/ALTER TABLE "Tenant" ADD COLUMN\s+"driftProbe" TEXT/);
});
