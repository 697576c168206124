import { actorOf, requireBootstrapAdmin, type ConsoleContext } from "../auth/authorize";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { recordRevisions } from "./tenant-changes";
import { summariseTenant, tenantSummarySelect } from "./list-tenants";
import { createTenantSchema, type TenantSummary } from "./tenant.types";

export async function createTenant(db: Db, context: ConsoleContext, input: unknown): Promise<TenantSummary> {
  requireBootstrapAdmin(context, "create organisations");
  const data = parseInput(createTenantSchema, input, "organisation");
  return inTransaction(db, async (tx) => {
    const clash = await tx.tenant.findFirst({
      where: { OR: [{ slug: data.slug }, ...(data.id ? [{ id: data.id }] : [])] },
      select: { slug: true, id: true },
    });
    if (clash) {
      throw new ConflictError(
        clash.slug === data.slug
          ? `The slug "${data.slug}" is taken.`
          : `An organisation with id ${data.id} already exists ("${clash.slug}").`,
      );
    }
    const tenant = await tx.tenant.create({ data, select: tenantSummarySelect });
    await recordRevisions(tx, [tenant.id], { actor: actorOf(context), action: "tenant.create" });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action: "tenant.create",
      targetType: "tenant",
      targetId: tenant.slug,
      after: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
      request: context.request,
    });
    return summariseTenant(context, tenant);
  });
}
