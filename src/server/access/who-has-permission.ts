/**
 * Reverse lookup: who holds a permission in a tenant, and through which roles. Read from the same
 * index the resolver uses (live mappings of an active tenant), so it agrees with the SQL view.
 */
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { buildTenantIndex } from "../sts/tenant-index";
import { whoHasQuerySchema, type PermissionHolder, type WhoHasAnswer } from "./access.types";
import { loadReadableTenantSource, mappedRoleInfo } from "./explain-subjects";

export async function whoHasPermission(
  db: Db,
  context: ConsoleContext,
  slug: string,
  query: unknown,
  now = Date.now(),
): Promise<WhoHasAnswer> {
  const source = await loadReadableTenantSource(db, context, slug);
  const { permission: key } = parseInput(whoHasQuerySchema, query, "query");
  const permission = await db.permission.findUnique({
    where: { key },
    select: { key: true, category: true, description: true, deprecatedAt: true },
  });
  if (!permission) throw new NotFoundError(`No permission "${key}" in the catalog.`);

  const index = buildTenantIndex(source);
  const roleInfo = await mappedRoleInfo(db, source);
  const holders: PermissionHolder[] = [];
  const position = index.permissionKeys.indexOf(key);
  if (index.status === "ACTIVE" && position >= 0) {
    const word = position >>> 5;
    const mask = 1 << (position & 31);
    const roleById = new Map(index.roles.map((role) => [role.id, role]));
    for (const mapping of source.mappings) {
      if (mapping.expiresAt !== null && mapping.expiresAt.getTime() <= now) continue;
      const role = roleById.get(mapping.role.id)!;
      if ((role.words[word]! & mask) === 0) continue;
      holders.push({
        subjectType: mapping.subjectType,
        subject: mapping.subject,
        role: roleInfo.get(mapping.role.id)!,
        expiresAt: mapping.expiresAt?.toISOString() ?? null,
      });
    }
  }
  holders.sort(
    (a, b) =>
      a.subjectType.localeCompare(b.subjectType) ||
      a.subject.localeCompare(b.subject) ||
      a.role.key.localeCompare(b.role.key),
  );

  const roles = await db.role.findMany({
    where: {
      OR: [{ tenantId: source.tenant.id }, { tenantId: null }],
      permissions: { some: { permissionKey: key } },
    },
    select: {
      id: true,
      key: true,
      name: true,
      tenantId: true,
      mappings: {
        where: {
          tenantId: source.tenant.id,
          OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(now) } }],
        },
        select: { id: true },
      },
    },
    orderBy: [{ tenantId: { sort: "asc", nulls: "last" } }, { name: "asc" }],
  });
  return {
    tenant: { slug: source.tenant.slug, name: source.tenant.name, status: source.tenant.status },
    permission: {
      key: permission.key,
      category: permission.category,
      description: permission.description,
      deprecated: permission.deprecatedAt !== null,
    },
    holders,
    roles: roles.map((role) => ({
      id: role.id,
      key: role.key,
      name: role.name,
      scope: role.tenantId ? "tenant" : "global",
      mappingCount: role.mappings.length,
    })),
  };
}
