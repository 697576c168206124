import { z } from "zod";
import { displayName, versionSchema } from "../shared/text";
import { tenantSlugSchema } from "../tenants/tenant.types";

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,99}$/;

export const registerClientSchema = z
  .object({
    clientId: z
      .string({ error: "clientId is required" })
      .regex(
        CLIENT_ID_PATTERN,
        "clientId must be 3–100 characters: letters, digits, dot, dash and underscore",
      ),
    name: displayName("name"),
    tenant: tenantSlugSchema.optional(),
    readAllTenants: z.boolean().default(false),
  })
  .refine((input) => (input.tenant === undefined) === input.readAllTenants, {
    message: "choose either one organisation (tenant) or read access to all organisations",
    path: ["tenant"],
  });
export type RegisterClientInput = z.input<typeof registerClientSchema>;

export const clientChangeSchema = z.object({ version: versionSchema });

export interface TechnicalClientSummary {
  clientId: string;
  name: string;
  tenant: { id: string; slug: string } | null;
  readAllTenants: boolean;
  status: "ACTIVE" | "REVOKED";
  createdBy: string;
  createdAt: string;
  secretRotatedAt: string;
  lastUsedAt: string | null;
  version: number;
}

/** Returned once, when a secret is created or rotated; never stored or shown again. */
export interface ClientWithSecret {
  client: TechnicalClientSummary;
  clientSecret: string;
}
