import { actorOf, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError, ValidationError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { assertManagersRemain, bumpRevisions } from "../tenants/tenant-changes";
import { mappingRowInclude, toMappingRow } from "./list-mappings";
import { loadMappingForChange } from "./mapping-changes";
import { updateMappingSchema, type MappingRow } from "./mapping.types";

/** Edits a mapping's note and expiry (STS_IAM_ROLE_EDIT), with optimistic concurrency. */
export async function updateMapping(
  db: Db,
  context: ConsoleContext,
  slug: string,
  mappingId: string,
  input: unknown,
): Promise<MappingRow> {
  const data = parseInput(updateMappingSchema, input, "mapping change");
  const expiresAt =
    data.expiresAt === undefined ? undefined : data.expiresAt === null ? null : new Date(data.expiresAt);
  if (expiresAt && expiresAt <= new Date()) {
    throw new ValidationError("The expiry must be in the future; remove the mapping to end access now.", {
      expiresAt: ["must be in the future"],
    });
  }
  return inTransaction(db, async (tx) => {
    const { tenant, mapping, managersBefore } = await loadMappingForChange(
      tx,
      context,
      slug,
      mappingId,
      ConsolePermission.edit,
    );
    if (mapping.version !== data.version) {
      throw new ConflictError(
        `This mapping was changed by someone else since you loaded it. Review the current note and expiry and apply your change again.`,
        toMappingRow(mapping),
      );
    }
    const updated = await tx.mapping.update({
      where: { id: mapping.id },
      data: { note: data.note, expiresAt, version: { increment: 1 } },
      include: mappingRowInclude,
    });
    const expiryChanged =
      expiresAt !== undefined && (expiresAt?.getTime() ?? null) !== (mapping.expiresAt?.getTime() ?? null);
    if (expiryChanged) {
      await assertManagersRemain(tx, tenant, managersBefore);
      await bumpRevisions(tx, [tenant.id], { actor: actorOf(context), action: "mapping.update" });
    }
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action: "mapping.update",
      targetType: "mapping",
      targetId: `${mapping.subjectType}:${mapping.subject}`,
      before: {
        role: mapping.role.key,
        note: mapping.note,
        expiresAt: mapping.expiresAt?.toISOString() ?? null,
      },
      after: {
        role: updated.role.key,
        note: updated.note,
        expiresAt: updated.expiresAt?.toISOString() ?? null,
      },
      request: context.request,
    });
    return toMappingRow(updated);
  });
}
