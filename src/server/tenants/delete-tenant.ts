import { actorOf, requireBootstrapAdmin, type ConsoleContext } from "../auth/authorize";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError, ValidationError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { lockTenantBySlug } from "./tenant-changes";
import { deleteTenantSchema } from "./tenant.types";

export interface TenantDeletionImpact {
  roles: number;
  mappings: number;
  technicalClients: number;
}

/** What deleting the tenant removes with it, shown before the administrator confirms. */
export async function getTenantDeletionImpact(db: Db, tenantId: string): Promise<TenantDeletionImpact> {
  const [roles, mappings, technicalClients] = await Promise.all([
    db.role.count({ where: { tenantId } }),
    db.mapping.count({ where: { tenantId } }),
    db.technicalClient.count({ where: { tenantId } }),
  ]);
  return { roles, mappings, technicalClients };
}

/** Deletes a tenant with its roles, mappings and clients (bootstrap admin only; the slug must be typed again). */
export async function deleteTenant(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
): Promise<{ deleted: string; removed: TenantDeletionImpact }> {
  requireBootstrapAdmin(context, "delete organisations");
  const data = parseInput(deleteTenantSchema, input, "deletion");
  if (data.confirmSlug !== slug) {
    throw new ValidationError(`Type the slug "${slug}" to confirm the deletion.`, {
      confirmSlug: ["does not match"],
    });
  }
  return inTransaction(db, async (tx) => {
    const tenant = await lockTenantBySlug(tx, slug);
    if (tenant.version !== data.version) {
      throw new ConflictError(
        `Organisation "${slug}" was changed since you loaded it. Review it before deleting.`,
        undefined,
        "stale_version",
      );
    }
    const [roles, mappings, technicalClients] = await Promise.all([
      tx.role.count({ where: { tenantId: tenant.id } }),
      tx.mapping.count({ where: { tenantId: tenant.id } }),
      tx.technicalClient.count({ where: { tenantId: tenant.id } }),
    ]);
    const removed = { roles, mappings, technicalClients };
    const mappingRows = await tx.mapping.findMany({
      where: { tenantId: tenant.id },
      select: { subjectType: true, subject: true, role: { select: { key: true } } },
    });
    await tx.tenant.delete({ where: { id: tenant.id } });
    // Readers drop their cache for the slug: a notification with the next revision tells them.
    await tx.$executeRaw`SELECT pg_notify('sts_mappings_changed', json_build_object('tenant', ${tenant.slug}::text, 'revision', ${tenant.revision + 1}::int, 'deleted', true)::text)`;
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action: "tenant.delete",
      targetType: "tenant",
      targetId: tenant.slug,
      before: {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        status: tenant.status,
        mappings: mappingRows.map((row) => ({
          subjectType: row.subjectType,
          subject: row.subject,
          role: row.role.key,
        })),
      },
      after: { removed },
      request: context.request,
    });
    return { deleted: tenant.slug, removed };
  });
}
