import { requireBootstrapAdmin, requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import type { Tx } from "../db/transaction";
import { NotFoundError } from "../http/errors";
import { countManagers, lockTenantBySlug, lockTenantsById } from "../tenants/tenant-changes";
import { z } from "zod";

export interface RoleInScope {
  role: {
    id: string;
    tenantId: string | null;
    key: string;
    name: string;
    description: string;
    version: number;
  };
  /** The tenant the change happens in (tenant roles), or null for a global template. */
  tenant: { id: string; slug: string } | null;
  /** Tenants whose effective permissions the role affects, locked, with their manager counts before the change. */
  affected: { id: string; slug: string; managersBefore: number }[];
}

/**
 * Loads a role for a change and authorises it. The tenant comes from the URL *and* from the role: a
 * tenant role is only reachable through its own tenant; global templates only by the bootstrap admin.
 */
export async function loadRoleForChange(
  tx: Tx,
  context: ConsoleContext,
  roleId: string,
  tenantSlug: string | null,
  permission: string,
): Promise<RoleInScope> {
  const notFound = new NotFoundError("No such role here.");
  if (!z.uuid().safeParse(roleId).success) throw notFound;
  let tenant: { id: string; slug: string } | null = null;
  if (tenantSlug !== null) {
    tenant = await lockTenantBySlug(tx, tenantSlug);
    requireTenantPermission(context, tenant, [permission]);
  } else {
    requireBootstrapAdmin(context, "change global role templates");
  }
  const role = await tx.role.findFirst({
    where: { id: roleId, tenantId: tenant ? tenant.id : null },
    select: { id: true, tenantId: true, key: true, name: true, description: true, version: true },
  });
  if (!role) throw notFound;
  const mappedIn = tenant
    ? [tenant]
    : await tx.tenant.findMany({
        where: { mappings: { some: { roleId: role.id } } },
        select: { id: true, slug: true },
        orderBy: { id: "asc" },
      });
  if (!tenant)
    await lockTenantsById(
      tx,
      mappedIn.map((item) => item.id),
    );
  const affected = [];
  for (const item of mappedIn) affected.push({ ...item, managersBefore: await countManagers(tx, item.id) });
  return { role, tenant, affected };
}
