import { canSeeTenant, type ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { getTenant } from "../tenants/get-tenant";
import type { RoleSummary } from "./role.types";

export const roleSummaryInclude = {
  permissions: { select: { permissionKey: true }, orderBy: { permissionKey: "asc" } },
  _count: { select: { mappings: true } },
} as const;

type RoleRow = {
  id: string;
  tenantId: string | null;
  key: string;
  name: string;
  description: string;
  version: number;
  updatedAt: Date;
  createdBy: string;
  permissions: { permissionKey: string }[];
  _count: { mappings: number };
};

export function summariseRole(role: RoleRow, mappingCount = role._count.mappings): RoleSummary {
  return {
    id: role.id,
    tenantId: role.tenantId,
    scope: role.tenantId ? "tenant" : "global",
    key: role.key,
    name: role.name,
    description: role.description,
    permissions: role.permissions.map((permission) => permission.permissionKey),
    version: role.version,
    mappingCount,
    updatedAt: role.updatedAt.toISOString(),
    createdBy: role.createdBy,
  };
}

/** Roles usable in a tenant: its own and the global templates. Mapping counts are for this tenant. */
export async function listTenantRoles(db: Db, context: ConsoleContext, slug: string): Promise<RoleSummary[]> {
  const tenant = await getTenant(db, context, slug);
  const roles = await db.role.findMany({
    where: { OR: [{ tenantId: tenant.id }, { tenantId: null }] },
    include: {
      permissions: roleSummaryInclude.permissions,
      _count: { select: { mappings: { where: { tenantId: tenant.id } } } },
    },
    orderBy: [{ tenantId: { sort: "asc", nulls: "last" } }, { name: "asc" }],
  });
  return roles.map((role) => summariseRole(role));
}

/**
 * Global role templates (every console user may read them: they can be mapped in any tenant).
 * Mapping counts cover only the tenants the user may see.
 */
export async function listGlobalRoles(db: Db, context: ConsoleContext): Promise<RoleSummary[]> {
  const visible = context.isBootstrapAdmin
    ? undefined
    : [...context.tenantPermissions.keys()].filter((tenantId) => canSeeTenant(context, tenantId));
  const roles = await db.role.findMany({
    where: { tenantId: null },
    include: {
      permissions: roleSummaryInclude.permissions,
      _count: { select: { mappings: visible ? { where: { tenantId: { in: visible } } } : true } },
    },
    orderBy: { name: "asc" },
  });
  return roles.map((role) => summariseRole(role));
}
