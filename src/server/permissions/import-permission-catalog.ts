/**
 * Imports a versioned permission catalog: adds new keys, refreshes descriptions and categories,
 * deprecates keys the catalog lists as removed. Idempotent; a version already imported is skipped.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/client";
import { recordAuditEvent } from "../audit/record-audit-event";
import { permissionCatalogSchema, type PermissionCatalog } from "./permission-catalog.types";

export const CATALOG_FILE = path.resolve("prisma/catalog/permissions.json");

const CATALOG_IMPORT_LOCK = 7_345_001_002n;

export async function readCatalogFile(file = CATALOG_FILE): Promise<PermissionCatalog> {
  const parsed = permissionCatalogSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return parsed.data;
}

export async function importPermissionCatalog(
  db: Db,
  catalog: PermissionCatalog,
): Promise<{ added: number; updated: number; skipped: boolean }> {
  const already = await db.permissionCatalogImport.findUnique({ where: { version: catalog.version } });
  if (already) return { added: 0, updated: 0, skipped: true };

  return db.$transaction(async (tx) => {
    // Two instances starting together: the second waits here and then finds the version imported.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CATALOG_IMPORT_LOCK})`;
    if (await tx.permissionCatalogImport.findUnique({ where: { version: catalog.version } })) {
      return { added: 0, updated: 0, skipped: true };
    }
    const existing = new Map(
      (await tx.permission.findMany()).map((permission) => [permission.key, permission]),
    );
    let added = 0;
    let updated = 0;
    for (const permission of catalog.permissions) {
      const current = existing.get(permission.key);
      if (!current) {
        await tx.permission.create({ data: { ...permission, bit: permission.bit ?? null } });
        added += 1;
      } else if (
        current.description !== permission.description ||
        current.category !== permission.category ||
        (permission.bit !== undefined && current.bit !== permission.bit) ||
        current.deprecatedAt !== null
      ) {
        await tx.permission.update({
          where: { key: permission.key },
          data: {
            description: permission.description,
            category: permission.category,
            bit: permission.bit ?? current.bit,
            deprecatedAt: null,
          },
        });
        updated += 1;
      }
    }
    const deprecated = await tx.permission.updateMany({
      where: { key: { in: catalog.deprecated }, deprecatedAt: null },
      data: { deprecatedAt: new Date() },
    });
    updated += deprecated.count;
    await tx.permissionCatalogImport.create({
      data: { version: catalog.version, coreVersion: catalog.coreVersion, addedCount: added },
    });
    await recordAuditEvent(tx, {
      actor: { sub: "system", name: "Permission catalog import", type: "SYSTEM" },
      action: "permission.catalog.import",
      targetType: "permissionCatalog",
      targetId: catalog.version,
      after: { version: catalog.version, coreVersion: catalog.coreVersion, added, updated },
    });
    return { added, updated, skipped: false };
  });
}
