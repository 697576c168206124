import { readdirSync } from "node:fs";
// The migration runner against real Postgres, and the database rules the init migration adds that
// Prisma's schema language cannot express.
import { createHash } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, MigrationHistoryError, pendingMigrations } from "@/server/db/migrate";
import { createScratchDatabase, fileDatabaseUrl, type ScratchDatabase } from "../helpers/database";

const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const INIT = "20261127000000_init";
/** Every migration in the repository, in the order the runner applies them. */
const ALL = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface HistoryRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

async function query<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function history(url: string): Promise<HistoryRow[]> {
  return query<HistoryRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY started_at`);
}

/** A private copy of prisma/migrations that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "sts-migrations-"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("migrateDatabase", () => {
  const scratch: ScratchDatabase[] = [];
  const tempDirs: string[] = [];
  const freshDatabase = async (): Promise<string> => {
    const database = await createScratchDatabase();
    scratch.push(database);
    return database.url;
  };
  afterAll(async () => {
    await Promise.all(scratch.map((database) => database.drop()));
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("applies the init migration to a fresh database and records it as Prisma does", async () => {
    const url = await freshDatabase();
    expect(await pendingMigrations(url)).toEqual(ALL);

    const { applied } = await migrateDatabase(url);

    expect(applied).toEqual(ALL);
    const fileBytes = await readFile(path.join(MIGRATIONS_DIR, INIT, "migration.sql"));
    const rows = await history(url);
    expect(rows).toHaveLength(ALL.length);
    const row = rows[0];
    expect(row).toMatchObject({
      migration_name: INIT,
      checksum: createHash("sha256").update(fileBytes).digest("hex"),
      rolled_back_at: null,
      applied_steps_count: 1,
      logs: null,
    });
    expect(row?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect(await pendingMigrations(url)).toEqual([]);

    // Second run: nothing to do, nothing recorded.
    expect(await migrateDatabase(url)).toEqual({ applied: [] });
    expect(await history(url)).toHaveLength(ALL.length);
  });

  it("creates _prisma_migrations with Prisma's exact column definitions", async () => {
    const url = await freshDatabase();
    await migrateDatabase(url);
    const columns = await query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      default: string | null;
    }>(
      url,
      `SELECT column_name, format_type(a.atttypid, a.atttypmod) AS data_type, c.is_nullable, c.column_default AS default
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attrelid = '"_prisma_migrations"'::regclass AND a.attname = c.column_name
        WHERE c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying(36)", is_nullable: "NO", default: null },
      { column_name: "checksum", data_type: "character varying(64)", is_nullable: "NO", default: null },
      {
        column_name: "finished_at",
        data_type: "timestamp with time zone",
        is_nullable: "YES",
        default: null,
      },
      {
        column_name: "migration_name",
        data_type: "character varying(255)",
        is_nullable: "NO",
        default: null,
      },
      { column_name: "logs", data_type: "text", is_nullable: "YES", default: null },
      {
        column_name: "rolled_back_at",
        data_type: "timestamp with time zone",
        is_nullable: "YES",
        default: null,
      },
      {
        column_name: "started_at",
        data_type: "timestamp with time zone",
        is_nullable: "NO",
        default: "now()",
      },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO", default: "0" },
    ]);
  });

  it("applies each migration exactly once when two runs race on a fresh database", async () => {
    const url = await freshDatabase();
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flatMap((result) => result.applied)).toEqual(ALL);
    expect(await history(url)).toHaveLength(ALL.length);
  });

  it("refuses to run when an applied migration file was edited, naming it", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    tempDirs.push(dir);
    await migrateDatabase(url, { migrationsDir: dir });
    await appendFile(path.join(dir, INIT, "migration.sql"), "\n-- an innocent-looking edit\n");

    const run = migrateDatabase(url, { migrationsDir: dir });
    await expect(run).rejects.toThrow(MigrationHistoryError);
    await expect(run).rejects.toThrow(new RegExp(`Migration ${INIT} was edited after it was applied`));
    await expect(pendingMigrations(url, { migrationsDir: dir })).rejects.toThrow(INIT);
  });

  it("refuses to run when an applied migration is missing from disk", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    tempDirs.push(dir);
    await migrateDatabase(url, { migrationsDir: dir });
    await rename(path.join(dir, INIT), path.join(dir, "20261127000001_renamed"));

    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`Migration ${INIT} is recorded as applied but .* is missing`),
    );
  });

  it("refuses to run after a failed attempt until it is marked rolled back", async () => {
    const url = await freshDatabase();
    // What `prisma migrate deploy` leaves behind when a script fails half-way.
    await query(
      url,
      `CREATE TABLE "_prisma_migrations" (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL,
      finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
      started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)`,
    );
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ($1, $2, $3, 'boom')`,
      ["00000000-0000-4000-8000-000000000000", "0".repeat(64), INIT],
    );

    await expect(migrateDatabase(url)).rejects.toThrow(
      new RegExp(`Migration ${INIT} failed in an earlier attempt`),
    );

    await query(url, `UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
    expect(await migrateDatabase(url)).toEqual({ applied: ALL });
  });

  it("rolls back a failing migration together with its history row", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    tempDirs.push(dir);
    await migrateDatabase(url, { migrationsDir: dir });
    const broken = "20991231000000_broken";
    await mkdir(path.join(dir, broken));
    await writeFile(path.join(dir, broken, "migration.sql"), `CREATE TABLE "Half" (id int);\nSELECT 1/0;\n`);

    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`Migration ${broken} failed and was rolled back: division by zero`),
    );
    expect((await history(url)).map((row) => row.migration_name)).toEqual(ALL);
    expect(await query(url, `SELECT to_regclass('"Half"') AS half`)).toEqual([{ half: null }]);
  });
});

describe("database rules from the init migration", () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: fileDatabaseUrl() });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  const failure = async (
    sql: string,
    values: unknown[] = [],
  ): Promise<{ code?: string; message: string }> => {
    try {
      await client.query(sql, values);
    } catch (error) {
      return error as { code?: string; message: string };
    }
    throw new Error(`expected failure: ${sql}`);
  };

  it("keeps AuditEvent append-only, even for a superuser", async () => {
    const [me] = (
      await client.query<{ superuser: string }>(`SELECT current_setting('is_superuser') AS superuser`)
    ).rows;
    expect(me?.superuser).toBe("on");
    await client.query(
      `INSERT INTO "AuditEvent" ("actorSub", "actorType", action, "targetType", "prevHash", hash)
       VALUES ('tester', 'SYSTEM', 'test.insert', 'test', $1, $2)`,
      ["0".repeat(64), "1".repeat(64)],
    );

    for (const sql of [
      `UPDATE "AuditEvent" SET action = 'tampered'`,
      `DELETE FROM "AuditEvent"`,
      `TRUNCATE "AuditEvent"`,
    ]) {
      const error = await failure(sql);
      expect(error.code).toBe("42501");
      expect(error.message).toMatch(/AuditEvent is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    }
    const rows = await client.query(`SELECT action FROM "AuditEvent" WHERE hash = $1`, ["1".repeat(64)]);
    expect(rows.rows).toEqual([{ action: "test.insert" }]);
  });

  it("refuses two global roles (tenantId NULL) with the same key", async () => {
    await client.query(`INSERT INTO "Role" ("tenantId", key, name) VALUES (NULL, 'global-viewer', 'Viewer')`);
    const error = await failure(
      `INSERT INTO "Role" ("tenantId", key, name) VALUES (NULL, 'global-viewer', 'Again')`,
    );
    expect(error.code).toBe("23505");
    expect(error.message).toContain("Role_tenantId_key_key");
  });

  it("refuses a mapping to another tenant's role, accepts its own and global roles", async () => {
    const tenant = async (slug: string): Promise<string> =>
      (
        await client.query<{ id: string }>(`INSERT INTO "Tenant" (slug, name) VALUES ($1, $1) RETURNING id`, [
          slug,
        ])
      ).rows[0]?.id ?? "";
    const role = async (tenantId: string | null, key: string): Promise<string> =>
      (
        await client.query<{ id: string }>(
          `INSERT INTO "Role" ("tenantId", key, name) VALUES ($1, $2, $2) RETURNING id`,
          [tenantId, key],
        )
      ).rows[0]?.id ?? "";
    const mapping = `INSERT INTO "Mapping" ("tenantId", "subjectType", subject, "roleId", "createdBy")
                     VALUES ($1, 'GROUP', $2, $3, 'tester')`;

    const acme = await tenant("acme");
    const globex = await tenant("globex");
    const acmeRole = await role(acme, "acme-admin");
    const globexRole = await role(globex, "globex-admin");
    const globalRole = await role(null, "global-auditor");

    await client.query(mapping, [acme, "acme-admins", acmeRole]);
    await client.query(mapping, [acme, "acme-auditors", globalRole]);
    const error = await failure(mapping, [acme, "acme-admins", globexRole]);
    expect(error.code).toBe("23503");
    expect(error.message).toContain(`role ${globexRole} is not available in tenant ${acme}`);

    // Moving an existing mapping into another tenant is checked as well.
    const moved = await failure(`UPDATE "Mapping" SET "tenantId" = $1 WHERE "roleId" = $2`, [
      globex,
      acmeRole,
    ]);
    expect(moved.code).toBe("23503");
  });
});
