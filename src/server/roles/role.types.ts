import { z } from "zod";
import { displayName, plainText, versionSchema } from "../shared/text";
import { permissionKeySchema } from "../permissions/permission-catalog.types";

export const ROLE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

const permissionKeys = z
  .array(permissionKeySchema, { error: "permissions must be a list of permission keys" })
  .max(1000, "a role holds at most 1000 permissions")
  .refine((keys) => new Set(keys).size === keys.length, "permissions must not repeat");

export const createRoleSchema = z.object({
  key: z
    .string({ error: "key is required" })
    .regex(ROLE_KEY_PATTERN, "key must be 1–100 characters: letters, digits, dot, dash and underscore"),
  name: displayName("name"),
  description: plainText("description", 1000, 0).default(""),
  permissions: permissionKeys,
});
export type CreateRoleInput = z.input<typeof createRoleSchema>;

export const updateRoleSchema = z.object({
  version: versionSchema,
  name: displayName("name").optional(),
  description: plainText("description", 1000, 0).optional(),
  permissions: permissionKeys.optional(),
});
export type UpdateRoleInput = z.input<typeof updateRoleSchema>;

export const deleteRoleSchema = z.object({ version: versionSchema });

export interface RoleSummary {
  id: string;
  tenantId: string | null;
  scope: "global" | "tenant";
  key: string;
  name: string;
  description: string;
  permissions: string[];
  version: number;
  mappingCount: number;
  updatedAt: string;
  createdBy: string;
}
