import { requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import type { Tx } from "../db/transaction";
import { NotFoundError } from "../http/errors";
import { countManagers, lockTenantBySlug } from "../tenants/tenant-changes";
import { z } from "zod";
import { mappingRowInclude } from "./list-mappings";

/** Loads a mapping of the tenant in the URL (never by id alone) after authorising the change. */
export async function loadMappingForChange(
  tx: Tx,
  context: ConsoleContext,
  slug: string,
  mappingId: string,
  permission: string,
) {
  const tenant = await lockTenantBySlug(tx, slug);
  requireTenantPermission(context, tenant, [permission]);
  const mapping = z.uuid().safeParse(mappingId).success
    ? await tx.mapping.findFirst({
        where: { id: mappingId, tenantId: tenant.id },
        include: mappingRowInclude,
      })
    : null;
  if (!mapping) throw new NotFoundError(`No such mapping in organisation "${slug}".`);
  return { tenant, mapping, managersBefore: await countManagers(tx, tenant.id) };
}
