import { z } from "zod";
import type { Tx } from "../db/transaction";
import type { Db } from "../db/client";
import { canonicalTenant } from "./config-file";
import type { ConfigTenant } from "./config-document.types";

/** What sts_tenant_config (the migration's SQL function) returns, and what history rows hold. */
const tenantSnapshotSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(["ACTIVE", "DISABLED"]),
  roles: z.array(
    z.object({
      key: z.string(),
      scope: z.enum(["global", "tenant"]),
      name: z.string(),
      description: z.string(),
      permissions: z.array(z.string()),
    }),
  ),
  mappings: z.array(
    z.object({
      subjectType: z.enum(["GROUP", "CLIENT"]),
      subject: z.string(),
      role: z.string(),
      scope: z.enum(["global", "tenant"]),
      expiresAt: z.string().nullable(),
      note: z.string(),
    }),
  ),
});

export function tenantFromSnapshot(snapshot: unknown): ConfigTenant {
  return canonicalTenant(tenantSnapshotSchema.parse(snapshot));
}

/** The current configuration of each tenant, keyed by tenant id (missing ids are absent). */
export async function loadTenantConfigs(
  db: Db | Tx,
  tenantIds: readonly string[],
): Promise<Map<string, ConfigTenant>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; config: unknown }[]>`
    SELECT id::text AS id, sts_tenant_config(id) AS config
    FROM "Tenant" WHERE id = ANY(${[...tenantIds]}::uuid[])`;
  return new Map(rows.map((row) => [row.id, tenantFromSnapshot(row.config)]));
}
