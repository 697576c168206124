import { actorOf, requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { summariseTenant, tenantSummarySelect } from "./list-tenants";
import { bumpRevisions, lockTenantBySlug } from "./tenant-changes";
import { updateTenantSchema, type TenantSummary } from "./tenant.types";

/** Renames, disables or re-enables a tenant (bootstrap admin, or STS_ORGANISATION_EDIT there). */
export async function updateTenant(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
): Promise<TenantSummary> {
  const data = parseInput(updateTenantSchema, input, "organisation change");
  return inTransaction(db, async (tx) => {
    const tenant = await lockTenantBySlug(tx, slug);
    requireTenantPermission(context, tenant, [ConsolePermission.organisationEdit]);
    if (tenant.version !== data.version) {
      const current = await tx.tenant.findUniqueOrThrow({
        where: { id: tenant.id },
        select: tenantSummarySelect,
      });
      throw new ConflictError(
        `Organisation "${slug}" was changed by someone else since you loaded it. Review the current state and apply your change again.`,
        summariseTenant(context, current),
      );
    }
    const updated = await tx.tenant.update({
      where: { id: tenant.id },
      data: { name: data.name, status: data.status, version: { increment: 1 } },
      select: tenantSummarySelect,
    });
    const statusChanged = data.status !== undefined && data.status !== tenant.status;
    const action = statusChanged
      ? data.status === "DISABLED"
        ? "tenant.disable"
        : "tenant.enable"
      : "tenant.update";
    // Disabling or re-enabling changes what the STS may issue for this tenant.
    if (statusChanged) await bumpRevisions(tx, [tenant.id], { actor: actorOf(context), action });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action,
      targetType: "tenant",
      targetId: tenant.slug,
      before: { name: tenant.name, status: tenant.status },
      after: { name: updated.name, status: updated.status },
      request: context.request,
    });
    const fresh = await tx.tenant.findUniqueOrThrow({
      where: { id: tenant.id },
      select: tenantSummarySelect,
    });
    return summariseTenant(context, fresh);
  });
}
