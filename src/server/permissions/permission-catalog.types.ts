import { z } from "zod";

export const PERMISSION_KEY_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export const permissionKeySchema = z
  .string()
  .max(100, "must be at most 100 characters")
  .regex(PERMISSION_KEY_PATTERN, "must be UPPER_SNAKE_CASE, e.g. CREDENTIAL_LIST");

export const permissionCatalogSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().trim().min(1).max(50),
    coreVersion: z.string().trim().min(1).max(50),
    permissions: z
      .array(
        z.object({
          key: permissionKeySchema,
          category: z.string().trim().min(1).max(100),
          description: z.string().trim().max(500).default(""),
          bit: z.number().int().min(0).max(4095).optional(),
        }),
      )
      .min(1),
    deprecated: z.array(permissionKeySchema).default([]),
  })
  .superRefine((catalog, ctx) => {
    const keys = new Set<string>();
    const bits = new Set<number>();
    catalog.permissions.forEach((permission, index) => {
      if (keys.has(permission.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["permissions", index, "key"],
          message: `duplicate key ${permission.key}`,
        });
      }
      keys.add(permission.key);
      if (permission.bit !== undefined) {
        if (bits.has(permission.bit)) {
          ctx.addIssue({
            code: "custom",
            path: ["permissions", index, "bit"],
            message: `duplicate bit ${permission.bit}`,
          });
        }
        bits.add(permission.bit);
      }
    });
  });

export type PermissionCatalog = z.output<typeof permissionCatalogSchema>;

/** The category of a key by its prefix, for keys imported without one. */
export function categoryOfKey(key: string): string {
  const parts = key.split("_");
  return parts.length > 1 ? parts.slice(0, -1).join("_") : key;
}
