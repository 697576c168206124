import { z } from "zod";
import { canSeeTenant, requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import { READ_PERMISSIONS } from "../auth/console-permissions";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { tenantSlugSchema } from "../tenants/tenant.types";
import { CONFIG_FORMAT } from "./config-document.types";
import { serialiseConfig } from "./config-file";
import { loadTenantConfigs } from "./load-tenant-config";

export const exportQuerySchema = z.object({
  tenant: tenantSlugSchema.optional(),
  format: z.enum(["yaml", "json"], { error: "format must be yaml or json" }).default("yaml"),
});

export interface ConfigExport {
  fileName: string;
  contentType: string;
  body: string;
}

/**
 * One tenant (reading needs STS_IAM_ROLE_LIST or _DETAIL there) or every tenant the user can see, as a
 * config file. Without a user (the CLI, which holds the database URL) every tenant is readable.
 */
export async function exportConfig(db: Db, context: ConsoleContext, query: unknown): Promise<ConfigExport> {
  const { tenant: slug, format } = parseInput(exportQuerySchema, query, "export");
  let tenantIds: string[];
  if (slug) {
    const tenant = await db.tenant.findUnique({ where: { slug }, select: { id: true, slug: true } });
    if (!tenant) throw new NotFoundError(`No organisation "${slug}".`);
    requireTenantPermission(context, tenant, READ_PERMISSIONS);
    tenantIds = [tenant.id];
  } else {
    const tenants = await db.tenant.findMany({ select: { id: true } });
    tenantIds = tenants
      .map((tenant) => tenant.id)
      .filter(
        (id) =>
          canSeeTenant(context, id) &&
          READ_PERMISSIONS.some((permission) => context.tenantPermissions.get(id)?.has(permission)),
      );
    if (context.isBootstrapAdmin) tenantIds = tenants.map((tenant) => tenant.id);
  }
  const configs = await loadTenantConfigs(db, tenantIds);
  return {
    fileName: `${slug ?? "sts-tenants"}.${format === "json" ? "json" : "yaml"}`,
    contentType: format === "json" ? "application/json" : "application/yaml",
    body: serialiseConfig({ format: CONFIG_FORMAT, tenants: [...configs.values()] }, format),
  };
}
