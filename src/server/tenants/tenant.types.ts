import { z } from "zod";
import { displayName, versionSchema } from "../shared/text";

export const TENANT_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const tenantSlugSchema = z
  .string({ error: "slug is required" })
  .regex(
    TENANT_SLUG_PATTERN,
    "slug must be 2–63 characters: lower-case letters, digits and dashes, starting with a letter or digit",
  );

export const createTenantSchema = z.object({
  /** Optional: give the organisation id the platform's core already uses. */
  id: z.uuid({ error: "id must be a UUID (the organisation id of the platform)" }).optional(),
  slug: tenantSlugSchema,
  name: displayName("name"),
});
export type CreateTenantInput = z.input<typeof createTenantSchema>;

export const updateTenantSchema = z
  .object({
    version: versionSchema,
    name: displayName("name").optional(),
    status: z.enum(["ACTIVE", "DISABLED"], { error: "status must be ACTIVE or DISABLED" }).optional(),
  })
  .refine((input) => input.name !== undefined || input.status !== undefined, "change the name or the status");
export type UpdateTenantInput = z.input<typeof updateTenantSchema>;

export const deleteTenantSchema = z.object({
  version: versionSchema,
  /** The slug typed again by the administrator: deleting is irreversible. */
  confirmSlug: z.string(),
});

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: "ACTIVE" | "DISABLED";
  revision: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  roleCount: number;
  mappingCount: number;
  /** What the requesting user may do here. */
  can: {
    read: boolean;
    create: boolean;
    edit: boolean;
    delete: boolean;
    editOrganisation: boolean;
    deleteTenant: boolean;
  };
}
