/**
 * A tenant's permission matrix: every usable role × the catalog, and every mapped subject × the
 * catalog. Subject rows are the resolver's own answer for that subject (resolveAccess), so the matrix
 * never disagrees with the resolve API or the SQL view.
 */
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { resolveAccess } from "../sts/resolve-permissions";
import { buildTenantIndex, type TenantIndexSource } from "../sts/tenant-index";
import { getTenant } from "../tenants/get-tenant";
import { encodePositions, type MatrixRole, type MatrixSubject, type PermissionMatrix } from "./access.types";

export async function getPermissionMatrix(
  db: Db,
  context: ConsoleContext,
  slug: string,
  now = Date.now(),
): Promise<PermissionMatrix> {
  const tenant = await getTenant(db, context, slug);
  // Flat reads (no nested relation loading): 300 roles with 12,000 role permissions and a thousand
  // mappings load in a few milliseconds. The index rows are assembled from them, then indexed and
  // resolved by the same code as every token exchange.
  const [catalog, roleRows, mappingRows, tenantRow] = await Promise.all([
    db.permission.findMany({
      orderBy: [{ category: "asc" }, { key: "asc" }],
      select: { key: true, category: true, description: true, deprecatedAt: true, bit: true },
    }),
    // Permission keys are UPPER_SNAKE: one space-separated string per role is the cheapest to read.
    db.$queryRaw<
      { id: string; key: string; name: string; tenantId: string | null; permissions: string | null }[]
    >`
      SELECT r."id"::text AS "id", r."key", r."name", r."tenantId"::text AS "tenantId",
             string_agg(rp."permissionKey", ' ') AS "permissions"
      FROM "Role" r LEFT JOIN "RolePermission" rp ON rp."roleId" = r."id"
      WHERE r."tenantId" = ${tenant.id}::uuid OR r."tenantId" IS NULL
      GROUP BY r."id"
      ORDER BY r."tenantId" NULLS LAST, r."name", r."key"`,
    db.mapping.findMany({
      where: { tenantId: tenant.id },
      select: { id: true, subject: true, subjectType: true, expiresAt: true, roleId: true },
    }),
    db.tenant.findUnique({
      where: { id: tenant.id },
      select: { id: true, slug: true, name: true, status: true, revision: true },
    }),
  ]);
  const bitRows = catalog.filter((permission) => permission.bit !== null);
  const rolePermissions = new Map(
    roleRows.map((role) => [role.id, role.permissions ? role.permissions.split(" ") : []]),
  );
  // Deleted between the two reads.
  if (!tenantRow) throw new NotFoundError(`No organisation "${slug}".`);
  const indexRoles = new Map(
    roleRows.map((role) => [
      role.id,
      {
        id: role.id,
        key: role.key,
        permissions: rolePermissions.get(role.id)!.map((permissionKey) => ({ permissionKey })),
      },
    ]),
  );
  const source: TenantIndexSource = {
    tenant: tenantRow,
    mappings: mappingRows.map((mapping) => ({
      id: mapping.id,
      subject: mapping.subject,
      subjectType: mapping.subjectType,
      expiresAt: mapping.expiresAt,
      role: indexRoles.get(mapping.roleId)!,
    })),
    bitRows,
  };
  const index = buildTenantIndex(source);

  const permissionAt = new Map(catalog.map((permission, at) => [permission.key, at]));
  const roleAt = new Map(roleRows.map((role, at) => [role.id, at]));
  const roles: MatrixRole[] = roleRows.map((role) => ({
    id: role.id,
    key: role.key,
    name: role.name,
    scope: role.tenantId ? "tenant" : "global",
    grants: encodePositions(rolePermissions.get(role.id)!.map((key) => permissionAt.get(key)!)),
    mappingCount: 0,
  }));

  const bySubject = new Map<string, MatrixSubject>();
  for (const mapping of source.mappings) {
    const key = `${mapping.subjectType}\u0000${mapping.subject}`;
    let row = bySubject.get(key);
    if (!row) {
      row = {
        subjectType: mapping.subjectType,
        subject: mapping.subject,
        roles: [],
        expiredRoles: [],
        grants: "",
      };
      bySubject.set(key, row);
    }
    const at = roleAt.get(mapping.role.id)!;
    if (mapping.expiresAt !== null && mapping.expiresAt.getTime() <= now) row.expiredRoles.push(at);
    else {
      row.roles.push(at);
      roles[at]!.mappingCount += 1;
    }
  }
  const subjects = [...bySubject.values()].sort(
    (a, b) =>
      a.subjectType.localeCompare(b.subjectType) ||
      a.subject.localeCompare(b.subject, undefined, { sensitivity: "base" }) ||
      (a.subject < b.subject ? -1 : 1),
  );
  for (const row of subjects) {
    row.roles.sort((a, b) => a - b);
    row.expiredRoles.sort((a, b) => a - b);
    row.grants = encodePositions(
      resolveAccess(index, row.subjectType, [row.subject], now).permissions.map((key) =>
        permissionAt.get(key)!,
      ),
    );
  }

  return {
    tenant: {
      id: index.tenantId,
      slug: index.slug,
      name: index.name,
      status: index.status,
      revision: index.revision,
    },
    permissions: catalog.map((permission) => ({
      key: permission.key,
      category: permission.category,
      description: permission.description,
      deprecated: permission.deprecatedAt !== null,
    })),
    roles,
    subjects,
  };
}
