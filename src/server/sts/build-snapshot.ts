/**
 * The whole-tenant snapshot of the read contract (GET /api/v1/tenants/{slug}/mappings), version 1.
 * Stable ordering, so equal revisions give byte-identical bodies.
 */
import type { Db } from "../db/client";

export interface TenantSnapshot {
  version: 1;
  tenant: { id: string; slug: string; name: string; status: "ACTIVE" | "DISABLED"; revision: number };
  roles: { key: string; scope: "global" | "tenant"; name: string; permissions: string[] }[];
  mappings: { subjectType: "GROUP" | "CLIENT"; subject: string; role: string; expiresAt: string | null }[];
  permissionBits: Record<string, number>;
}

/** Live (unexpired) mappings of an ACTIVE tenant; a DISABLED tenant's snapshot lists none (fail closed). */
export async function buildSnapshot(db: Db, tenantId: string): Promise<TenantSnapshot | undefined> {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, slug: true, name: true, status: true, revision: true },
  });
  if (!tenant) return undefined;
  if (tenant.status !== "ACTIVE") return { version: 1, tenant, roles: [], mappings: [], permissionBits: {} };
  const now = new Date();
  const mappings = await db.mapping.findMany({
    where: { tenantId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: {
      subjectType: true,
      subject: true,
      expiresAt: true,
      role: {
        select: {
          id: true,
          key: true,
          name: true,
          tenantId: true,
          permissions: { select: { permissionKey: true, permission: { select: { bit: true } } } },
        },
      },
    },
  });
  const roles = new Map<string, TenantSnapshot["roles"][number]>();
  const bits: Record<string, number> = {};
  for (const mapping of mappings) {
    if (roles.has(mapping.role.id)) continue;
    const permissions = mapping.role.permissions.map((item) => item.permissionKey).sort();
    for (const item of mapping.role.permissions)
      if (item.permission.bit !== null) bits[item.permissionKey] = item.permission.bit;
    roles.set(mapping.role.id, {
      key: mapping.role.key,
      scope: mapping.role.tenantId ? "tenant" : "global",
      name: mapping.role.name,
      permissions,
    });
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    version: 1,
    tenant,
    roles: [...roles.values()].sort((a, b) => compare(a.scope, b.scope) || compare(a.key, b.key)),
    mappings: mappings
      .map((mapping) => ({
        subjectType: mapping.subjectType,
        subject: mapping.subject,
        role: mapping.role.key,
        expiresAt: mapping.expiresAt?.toISOString() ?? null,
      }))
      .sort(
        (a, b) =>
          compare(a.subjectType, b.subjectType) || compare(a.subject, b.subject) || compare(a.role, b.role),
      ),
    permissionBits: Object.fromEntries(Object.entries(bits).sort(([a], [b]) => compare(a, b))),
  };
}
