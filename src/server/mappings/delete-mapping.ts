import { actorOf, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { assertManagersRemain, bumpRevisions } from "../tenants/tenant-changes";
import { loadMappingForChange } from "./mapping-changes";
import { deleteMappingSchema } from "./mapping.types";

/** Removes a mapping (STS_IAM_ROLE_DELETE); refused when it would leave the tenant without a manager. */
export async function deleteMapping(
  db: Db,
  context: ConsoleContext,
  slug: string,
  mappingId: string,
  input: unknown,
): Promise<{ deleted: string }> {
  const data = parseInput(deleteMappingSchema, input, "mapping deletion");
  return inTransaction(db, async (tx) => {
    const { tenant, mapping, managersBefore } = await loadMappingForChange(
      tx,
      context,
      slug,
      mappingId,
      ConsolePermission.delete,
    );
    if (mapping.version !== data.version) {
      throw new ConflictError(
        "This mapping was changed since you loaded it. Review it before removing.",
        undefined,
        "stale_version",
      );
    }
    await tx.mapping.delete({ where: { id: mapping.id } });
    await assertManagersRemain(tx, tenant, managersBefore);
    await bumpRevisions(tx, [tenant.id], { actor: actorOf(context), action: "mapping.delete" });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action: "mapping.delete",
      targetType: "mapping",
      targetId: `${mapping.subjectType}:${mapping.subject}`,
      before: {
        subjectType: mapping.subjectType,
        subject: mapping.subject,
        role: mapping.role.key,
        note: mapping.note,
        expiresAt: mapping.expiresAt?.toISOString() ?? null,
      },
      request: context.request,
    });
    return { deleted: mapping.id };
  });
}
