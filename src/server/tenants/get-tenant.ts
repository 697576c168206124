import { requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import { READ_PERMISSIONS } from "../auth/console-permissions";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { summariseTenant, tenantSummarySelect } from "./list-tenants";
import { tenantSlugSchema, type TenantSummary } from "./tenant.types";

/** Loads a tenant by slug for reading: 404 when it does not exist or is not visible to the user. */
export async function getTenant(db: Db, context: ConsoleContext, slug: string): Promise<TenantSummary> {
  const parsed = tenantSlugSchema.safeParse(slug);
  if (!parsed.success) throw new NotFoundError(`No organisation "${slug}".`);
  const tenant = await db.tenant.findUnique({ where: { slug: parsed.data }, select: tenantSummarySelect });
  if (!tenant) throw new NotFoundError(`No organisation "${slug}".`);
  requireTenantPermission(context, tenant, READ_PERMISSIONS);
  return summariseTenant(context, tenant);
}
