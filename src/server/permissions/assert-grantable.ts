import type { Tx } from "../db/transaction";
import { ValidationError } from "../http/errors";

/** Permission keys given to a role must exist in the catalog; deprecated ones cannot be newly granted. */
export async function assertGrantablePermissions(
  tx: Tx,
  keys: readonly string[],
  alreadyHeld: readonly string[] = [],
) {
  if (keys.length === 0) return;
  const found = await tx.permission.findMany({
    where: { key: { in: [...keys] } },
    select: { key: true, deprecatedAt: true },
  });
  const known = new Map(found.map((permission) => [permission.key, permission]));
  const unknown = keys.filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ValidationError(
      `Unknown permission keys: ${unknown.join(", ")}. Import them into the catalog first.`,
      {
        permissions: unknown.map((key) => `unknown permission ${key}`),
      },
    );
  }
  const held = new Set(alreadyHeld);
  const deprecated = keys.filter((key) => known.get(key)?.deprecatedAt && !held.has(key));
  if (deprecated.length > 0) {
    throw new ValidationError(`Deprecated permissions cannot be granted: ${deprecated.join(", ")}.`, {
      permissions: deprecated.map((key) => `deprecated permission ${key}`),
    });
  }
}
