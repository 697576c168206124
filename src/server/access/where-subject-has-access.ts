/**
 * "Where does group G have access?" across tenants: every tenant with a mapping of the subject, each
 * resolved as the STS would. The bootstrap administrator sees all tenants; anyone else only those
 * they may read, and is not told about the others.
 */
import { canReadTenant, type ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { parseInput } from "../shared/parse-input";
import { explainAccess } from "../sts/resolve-permissions";
import { buildTenantIndex, loadTenantIndexSource } from "../sts/tenant-index";
import { whereQuerySchema, type SubjectAccessInTenant, type WhereAnswer } from "./access.types";

export async function whereSubjectHasAccess(
  db: Db,
  context: ConsoleContext,
  query: unknown,
  now = Date.now(),
): Promise<WhereAnswer> {
  const { subject, subjectType } = parseInput(whereQuerySchema, query, "query");
  const tenantRows = await db.mapping.findMany({
    where: { subjectType, subject },
    select: { tenantId: true },
    distinct: ["tenantId"],
  });
  const readable = tenantRows
    .map((row) => row.tenantId)
    .filter((tenantId) => canReadTenant(context, tenantId));
  const tenants: SubjectAccessInTenant[] = [];
  for (const tenantId of readable) {
    const source = await loadTenantIndexSource(db, tenantId);
    if (!source) continue;
    const resolution = explainAccess(buildTenantIndex(source), subjectType, [subject], now);
    const expiredRoles = source.mappings
      .filter(
        (mapping) =>
          mapping.subjectType === subjectType &&
          mapping.subject === subject &&
          mapping.expiresAt !== null &&
          mapping.expiresAt.getTime() <= now,
      )
      .map((mapping) => mapping.role.key)
      .sort();
    tenants.push({
      tenant: { slug: source.tenant.slug, name: source.tenant.name, status: source.tenant.status },
      roles: resolution.roles,
      permissions: resolution.permissions,
      provenance: resolution.provenance,
      expiredRoles,
    });
  }
  tenants.sort((a, b) => a.tenant.slug.localeCompare(b.tenant.slug));
  return { subjectType, subject, tenants, scope: context.isBootstrapAdmin ? "all" : "readable" };
}
