import { canSeeTenant, holdsTenantPermission, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission, READ_PERMISSIONS } from "../auth/console-permissions";
import type { Db } from "../db/client";
import type { TenantSummary } from "./tenant.types";

type TenantRow = {
  id: string;
  slug: string;
  name: string;
  status: "ACTIVE" | "DISABLED";
  revision: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  _count: { roles: number; mappings: number };
};

export function summariseTenant(context: ConsoleContext, tenant: TenantRow): TenantSummary {
  const holds = (permission: string) => holdsTenantPermission(context, tenant.id, permission);
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    revision: tenant.revision,
    version: tenant.version,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
    roleCount: tenant._count.roles,
    mappingCount: tenant._count.mappings,
    can: {
      read: READ_PERMISSIONS.some(holds),
      create: holds(ConsolePermission.create),
      edit: holds(ConsolePermission.edit),
      delete: holds(ConsolePermission.delete),
      editOrganisation: holds(ConsolePermission.organisationEdit),
      deleteTenant: context.isBootstrapAdmin,
    },
  };
}

export const tenantSummarySelect = {
  id: true,
  slug: true,
  name: true,
  status: true,
  revision: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { roles: true, mappings: true } },
} as const;

/** The tenants this user may see: all for the bootstrap admin, else those where they hold STS_IAM_ROLE_*. */
export async function listTenants(db: Db, context: ConsoleContext): Promise<TenantSummary[]> {
  const visibleIds = context.isBootstrapAdmin
    ? undefined
    : [...context.tenantPermissions.keys()].filter((id) => canSeeTenant(context, id));
  const tenants = await db.tenant.findMany({
    where: visibleIds ? { id: { in: visibleIds } } : undefined,
    orderBy: { slug: "asc" },
    select: tenantSummarySelect,
  });
  return tenants.map((tenant) => summariseTenant(context, tenant));
}
