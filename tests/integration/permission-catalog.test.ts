// Importing the versioned permission catalog into a real Postgres database.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@/server/db/client";
import {
  CATALOG_FILE,
  importPermissionCatalog,
  readCatalogFile,
} from "@/server/permissions/import-permission-catalog";
import {
  permissionCatalogSchema,
  type PermissionCatalog,
} from "@/server/permissions/permission-catalog.types";
import { fileDatabaseUrl } from "../helpers/database";

const RUN = randomBytes(4).toString("hex").toUpperCase();
let db: Db;
let tempDir: string;
let versionCounter = 0;

beforeAll(async () => {
  db = createPrismaClient(fileDatabaseUrl());
  tempDir = await mkdtemp(path.join(tmpdir(), "sts-catalog-test-"));
});

afterAll(async () => {
  await db.$disconnect();
  await rm(tempDir, { recursive: true, force: true });
});

/** A catalog version no other test (or run) imports. */
function uniqueVersion(): string {
  versionCounter += 1;
  return `test-${RUN}-${versionCounter}`;
}

function catalog(
  permissions: PermissionCatalog["permissions"],
  deprecated: string[] = [],
  version = uniqueVersion(),
): PermissionCatalog {
  return permissionCatalogSchema.parse({ version, coreVersion: "test-core 1.0", permissions, deprecated });
}

interface RawCatalog {
  version: string;
  permissions: Array<{ key: string; category: string; description?: string; bit?: number }>;
  deprecated?: string[];
}

async function rawCatalogFile(): Promise<RawCatalog> {
  return JSON.parse(await readFile(CATALOG_FILE, "utf8")) as RawCatalog;
}

describe("readCatalogFile", () => {
  it("reads prisma/catalog/permissions.json", async () => {
    const raw = await rawCatalogFile();
    const parsed = await readCatalogFile();
    expect(CATALOG_FILE).toBe(path.resolve("prisma/catalog/permissions.json"));
    expect(parsed.version).toBe(raw.version);
    expect(parsed.permissions.map((permission) => permission.key)).toEqual(raw.permissions.map((p) => p.key));
    expect(parsed.permissions.length).toBeGreaterThan(10);
    expect(parsed.deprecated).toEqual(raw.deprecated ?? []);
  });

  it("names the offending field of a bad catalog file", async () => {
    const file = path.join(tempDir, "lower-case.json");
    await writeFile(
      file,
      JSON.stringify({
        version: "1",
        coreVersion: "c",
        permissions: [
          { key: "CREDENTIAL_LIST", category: "Credential" },
          { key: "credential_detail", category: "Credential" },
        ],
      }),
    );
    await expect(readCatalogFile(file)).rejects.toThrow(
      `${file}: permissions.1.key must be UPPER_SNAKE_CASE, e.g. CREDENTIAL_LIST`,
    );
  });
});

describe("importPermissionCatalog", () => {
  it("imports every key of prisma/catalog/permissions.json with its category, description and bit", async () => {
    const file = await readCatalogFile();
    const raw = await rawCatalogFile();
    const result = await importPermissionCatalog(db, file);
    // This file's database starts without permissions.
    expect(result).toEqual({ added: raw.permissions.length, updated: 0, skipped: false });

    const stored = await db.permission.findMany({
      where: { key: { in: raw.permissions.map((p) => p.key) } },
    });
    const byKey = new Map(stored.map((permission) => [permission.key, permission]));
    expect(byKey.size).toBe(raw.permissions.length);
    for (const permission of raw.permissions) {
      const row = byKey.get(permission.key);
      expect(row, permission.key).toMatchObject({
        category: permission.category,
        description: permission.description ?? "",
        bit: permission.bit ?? null,
        deprecatedAt: null,
      });
    }
    expect(byKey.get("CREDENTIAL_LIST")).toMatchObject({ category: "Credential" });

    const imports = await db.permissionCatalogImport.findMany({ where: { version: file.version } });
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({ coreVersion: file.coreVersion, addedCount: raw.permissions.length });

    const audit = await db.auditEvent.findMany({
      where: { action: "permission.catalog.import", targetId: file.version },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "SYSTEM", targetType: "permissionCatalog" });
    expect(audit[0]?.after).toEqual({
      version: file.version,
      coreVersion: file.coreVersion,
      added: raw.permissions.length,
      updated: 0,
    });
  });

  it("skips a version that was already imported", async () => {
    const file = await readCatalogFile();
    await importPermissionCatalog(db, file);
    const permissionsBefore = await db.permission.count();
    const auditBefore = await db.auditEvent.count();

    expect(await importPermissionCatalog(db, file)).toEqual({ added: 0, updated: 0, skipped: true });
    expect(await db.permission.count()).toBe(permissionsBefore);
    expect(await db.auditEvent.count()).toBe(auditBefore);
    expect(await db.permissionCatalogImport.count({ where: { version: file.version } })).toBe(1);
  });

  it("survives two concurrent imports of a new version and records it once", async () => {
    const key = `TEST_${RUN}_CONCURRENT`;
    const next = catalog([{ key, category: "Test", description: "Added by two racing instances" }]);

    const results = await Promise.all([importPermissionCatalog(db, next), importPermissionCatalog(db, next)]);

    expect(results.filter((result) => !result.skipped)).toEqual([{ added: 1, updated: 0, skipped: false }]);
    expect(results.filter((result) => result.skipped)).toEqual([{ added: 0, updated: 0, skipped: true }]);
    expect(await db.permissionCatalogImport.findMany({ where: { version: next.version } })).toEqual([
      expect.objectContaining({ version: next.version, addedCount: 1 }),
    ]);
    expect(await db.permission.findMany({ where: { key } })).toEqual([
      expect.objectContaining({
        key,
        category: "Test",
        description: "Added by two racing instances",
        bit: null,
      }),
    ]);
    expect(
      await db.auditEvent.count({ where: { action: "permission.catalog.import", targetId: next.version } }),
    ).toBe(1);
  });

  it("refreshes changed descriptions and categories of existing keys", async () => {
    const key = `TEST_${RUN}_REFRESH`;
    await importPermissionCatalog(db, catalog([{ key, category: "Old", description: "old text" }]));
    const result = await importPermissionCatalog(
      db,
      catalog([{ key, category: "New", description: "new text" }]),
    );
    expect(result).toEqual({ added: 0, updated: 1, skipped: false });
    expect(await db.permission.findUnique({ where: { key } })).toMatchObject({
      category: "New",
      description: "new text",
    });

    // An identical entry in a later version changes nothing.
    const same = await importPermissionCatalog(
      db,
      catalog([{ key, category: "New", description: "new text" }]),
    );
    expect(same).toEqual({ added: 0, updated: 0, skipped: false });
  });

  it("sets deprecatedAt for a key listed in `deprecated`, and clears it when the key returns", async () => {
    const kept = `TEST_${RUN}_KEPT`;
    const removed = `TEST_${RUN}_REMOVED`;
    await importPermissionCatalog(
      db,
      catalog([
        { key: kept, category: "Test", description: "stays" },
        { key: removed, category: "Test", description: "goes" },
      ]),
    );
    expect((await db.permission.findUnique({ where: { key: removed } }))?.deprecatedAt).toBeNull();

    const before = Date.now();
    const result = await importPermissionCatalog(
      db,
      catalog(
        [{ key: kept, category: "Test", description: "stays" }],
        [removed, `TEST_${RUN}_NEVER_EXISTED`],
      ),
    );
    expect(result).toEqual({ added: 0, updated: 1, skipped: false });

    const deprecated = await db.permission.findUnique({ where: { key: removed } });
    // The key stays (roles may still reference it), marked deprecated.
    expect(deprecated).not.toBeNull();
    expect(deprecated?.deprecatedAt).toBeInstanceOf(Date);
    expect(deprecated?.deprecatedAt?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect((await db.permission.findUnique({ where: { key: kept } }))?.deprecatedAt).toBeNull();
    expect(await db.permission.findUnique({ where: { key: `TEST_${RUN}_NEVER_EXISTED` } })).toBeNull();

    // Listing it as deprecated again does not move the date.
    await importPermissionCatalog(
      db,
      catalog([{ key: kept, category: "Test", description: "stays" }], [removed]),
    );
    expect((await db.permission.findUnique({ where: { key: removed } }))?.deprecatedAt).toEqual(
      deprecated?.deprecatedAt,
    );

    // A later catalog listing the key again revives it.
    const revived = await importPermissionCatalog(
      db,
      catalog([{ key: removed, category: "Test", description: "goes" }]),
    );
    expect(revived).toEqual({ added: 0, updated: 1, skipped: false });
    expect((await db.permission.findUnique({ where: { key: removed } }))?.deprecatedAt).toBeNull();
  });
});

describe("permissionCatalogSchema", () => {
  const base = { version: "2026.12.1", coreVersion: "core 1.x" };

  it("rejects a duplicate key, naming the field", () => {
    const result = permissionCatalogSchema.safeParse({
      ...base,
      permissions: [
        { key: "CREDENTIAL_LIST", category: "Credential" },
        { key: "CREDENTIAL_DETAIL", category: "Credential" },
        { key: "CREDENTIAL_LIST", category: "Credential" },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path: ["permissions", 2, "key"], message: "duplicate key CREDENTIAL_LIST" },
    ]);
  });

  it("rejects a lower-case key, naming the field", () => {
    const result = permissionCatalogSchema.safeParse({
      ...base,
      permissions: [{ key: "credential_list", category: "Credential" }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path: ["permissions", 0, "key"], message: "must be UPPER_SNAKE_CASE, e.g. CREDENTIAL_LIST" },
    ]);
  });

  it("rejects a lower-case key in `deprecated`, naming the field", () => {
    const result = permissionCatalogSchema.safeParse({
      ...base,
      permissions: [{ key: "CREDENTIAL_LIST", category: "Credential" }],
      deprecated: ["OLD_KEY", "old_key"],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["deprecated", 1]]);
  });

  it("rejects a duplicate bit and other malformed keys", () => {
    const duplicateBit = permissionCatalogSchema.safeParse({
      ...base,
      permissions: [
        { key: "A_ONE", category: "A", bit: 3 },
        { key: "A_TWO", category: "A", bit: 3 },
      ],
    });
    expect(duplicateBit.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["permissions", 1, "bit"], "duplicate bit 3"],
    ]);
    for (const key of [
      "Credential_LIST",
      "CREDENTIAL__LIST",
      "_CREDENTIAL",
      "CREDENTIAL_",
      "1CREDENTIAL",
      "CREDENTIAL-LIST",
    ]) {
      const result = permissionCatalogSchema.safeParse({ ...base, permissions: [{ key, category: "C" }] });
      expect(result.success, key).toBe(false);
    }
  });

  it("accepts a valid catalog with defaults for description and deprecated", () => {
    expect(
      permissionCatalogSchema.parse({
        ...base,
        permissions: [{ key: "CREDENTIAL_LIST", category: "Credential" }],
      }),
    ).toEqual({
      ...base,
      permissions: [{ key: "CREDENTIAL_LIST", category: "Credential", description: "" }],
      deprecated: [],
    });
  });
});
