import { z } from "zod";
import { actorOf, requireBootstrapAdmin, type ConsoleContext } from "../auth/authorize";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError, NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";

export const deprecatePermissionSchema = z.object({
  deprecated: z.boolean({ error: "deprecated must be true or false" }),
});

/** Marks a catalog key deprecated (no new grants; existing roles keep it) or lifts that. */
export async function setPermissionDeprecated(db: Db, context: ConsoleContext, key: string, input: unknown) {
  requireBootstrapAdmin(context, "change the permission catalog");
  const { deprecated } = parseInput(deprecatePermissionSchema, input, "permission change");
  return inTransaction(db, async (tx) => {
    const permission = await tx.permission.findUnique({ where: { key } });
    if (!permission) throw new NotFoundError(`No permission ${key} in the catalog.`);
    const updated = await tx.permission.update({
      where: { key },
      data: { deprecatedAt: deprecated ? (permission.deprecatedAt ?? new Date()) : null },
    });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      action: deprecated ? "permission.deprecate" : "permission.undeprecate",
      targetType: "permission",
      targetId: key,
      before: { deprecatedAt: permission.deprecatedAt?.toISOString() ?? null },
      after: { deprecatedAt: updated.deprecatedAt?.toISOString() ?? null },
      request: context.request,
    });
    return { key, deprecatedAt: updated.deprecatedAt?.toISOString() ?? null };
  });
}

/** Removes an unused key from the catalog. A key any role holds is refused: deprecate it instead. */
export async function deletePermission(db: Db, context: ConsoleContext, key: string) {
  requireBootstrapAdmin(context, "change the permission catalog");
  return inTransaction(db, async (tx) => {
    const permission = await tx.permission.findUnique({
      where: { key },
      include: { _count: { select: { roles: true } } },
    });
    if (!permission) throw new NotFoundError(`No permission ${key} in the catalog.`);
    if (permission._count.roles > 0) {
      throw new ConflictError(
        `${key} is held by ${permission._count.roles} role${permission._count.roles === 1 ? "" : "s"}; deprecate it instead of deleting it.`,
      );
    }
    await tx.permission.delete({ where: { key } });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      action: "permission.delete",
      targetType: "permission",
      targetId: key,
      before: {
        key,
        category: permission.category,
        description: permission.description,
        bit: permission.bit,
      },
      request: context.request,
    });
    return { deleted: key };
  });
}
