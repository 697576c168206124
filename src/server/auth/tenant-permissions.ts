/**
 * Permissions a set of mapping subjects holds in each tenant, resolved from the database on every
 * request so that a removed mapping takes effect at once. Expired mappings grant nothing.
 */
import type { Db } from "../db/client";

export type TenantPermissions = Map<string, Set<string>>;

export async function loadTenantPermissions(
  db: Db,
  subjectType: "GROUP" | "CLIENT",
  subjects: readonly string[],
): Promise<TenantPermissions> {
  const result: TenantPermissions = new Map();
  if (subjects.length === 0) return result;
  const rows = await db.$queryRaw<{ tenantId: string; permissionKey: string }[]>`
    SELECT DISTINCT m."tenantId"::text AS "tenantId", rp."permissionKey"
    FROM "Mapping" m
    JOIN "RolePermission" rp ON rp."roleId" = m."roleId"
    WHERE m."subjectType" = ${subjectType}::"SubjectType"
      AND m."subject" = ANY(${[...subjects]}::text[])
      AND (m."expiresAt" IS NULL OR m."expiresAt" > now())`;
  for (const row of rows) {
    let permissions = result.get(row.tenantId);
    if (!permissions) {
      permissions = new Set();
      result.set(row.tenantId, permissions);
    }
    permissions.add(row.permissionKey);
  }
  return result;
}
