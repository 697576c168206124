/**
 * The config-as-code file format (README.md → "Config as code and history"): one or more tenants with
 * their roles and mappings, no database-internal ids except the tenant id, no secrets. The same schema
 * validates uploads and CLI files, and is published as JSON Schema (schemas/sts-config.v1.schema.json).
 */
import { z } from "zod";
import { permissionKeySchema } from "../permissions/permission-catalog.types";
import { ROLE_KEY_PATTERN } from "../roles/role.types";
import { displayName, plainText } from "../shared/text";
import { tenantSlugSchema } from "../tenants/tenant.types";

export const CONFIG_FORMAT = "sts-config/v1";

export const roleScopeSchema = z.enum(["global", "tenant"], { error: "scope must be global or tenant" });

const roleKeySchema = z
  .string({ error: "role key must be text" })
  .regex(ROLE_KEY_PATTERN, "role key must be 1–100 characters: letters, digits, dot, dash and underscore");

export const configRoleSchema = z
  .object({
    key: roleKeySchema,
    scope: roleScopeSchema,
    name: displayName("name"),
    description: plainText("description", 1000, 0).optional(),
    permissions: z
      .array(permissionKeySchema, { error: "permissions must be a list of permission keys" })
      .max(1000, "a role holds at most 1000 permissions")
      .refine((keys) => new Set(keys).size === keys.length, "permissions must not repeat"),
  })
  .strict();

export const configMappingSchema = z
  .object({
    subjectType: z.enum(["GROUP", "CLIENT"], { error: "subjectType must be GROUP or CLIENT" }),
    subject: plainText("subject", 255),
    role: roleKeySchema,
    scope: roleScopeSchema,
    expiresAt: z.iso
      .datetime({ offset: true, error: "expiresAt must be an ISO 8601 date-time" })
      .nullable()
      .optional(),
    note: plainText("note", 1000, 0).optional(),
  })
  .strict();

export const configTenantSchema = z
  .object({
    id: z.uuid({ error: "id must be a UUID (the organisation id of the platform)" }),
    slug: tenantSlugSchema,
    name: displayName("name"),
    status: z.enum(["ACTIVE", "DISABLED"], { error: "status must be ACTIVE or DISABLED" }),
    roles: z.array(configRoleSchema).max(10_000, "at most 10,000 roles per organisation"),
    mappings: z.array(configMappingSchema).max(100_000, "at most 100,000 mappings per organisation"),
  })
  .strict()
  .superRefine((tenant, check) => {
    const roles = new Set<string>();
    tenant.roles.forEach((role, index) => {
      const ref = `${role.scope}:${role.key}`;
      if (roles.has(ref)) {
        check.addIssue({
          code: "custom",
          path: ["roles", index, "key"],
          message: `role ${role.key} (${role.scope}) is listed twice`,
        });
      }
      roles.add(ref);
    });
    const mappings = new Set<string>();
    tenant.mappings.forEach((mapping, index) => {
      if (!roles.has(`${mapping.scope}:${mapping.role}`)) {
        check.addIssue({
          code: "custom",
          path: ["mappings", index, "role"],
          message: `role ${mapping.role} (${mapping.scope}) is not listed under roles`,
        });
      }
      const key = mappingKey(mapping);
      if (mappings.has(key)) {
        check.addIssue({
          code: "custom",
          path: ["mappings", index, "subject"],
          message: `${mapping.subjectType} "${mapping.subject}" is mapped to ${mapping.role} twice`,
        });
      }
      mappings.add(key);
    });
  });

export const configDocumentSchema = z
  .object({
    format: z.literal(CONFIG_FORMAT, { error: `format must be "${CONFIG_FORMAT}"` }),
    tenants: z.array(configTenantSchema, { error: "tenants must be a list" }).max(1000),
  })
  .strict()
  .superRefine((document, check) => {
    const slugs = new Set<string>();
    const ids = new Set<string>();
    document.tenants.forEach((tenant, index) => {
      if (slugs.has(tenant.slug))
        check.addIssue({ code: "custom", path: ["tenants", index, "slug"], message: "slug is listed twice" });
      if (ids.has(tenant.id))
        check.addIssue({ code: "custom", path: ["tenants", index, "id"], message: "id is listed twice" });
      slugs.add(tenant.slug);
      ids.add(tenant.id);
    });
  });

export type ConfigDocument = z.output<typeof configDocumentSchema>;
export type ConfigTenant = z.output<typeof configTenantSchema>;
export type ConfigRole = z.output<typeof configRoleSchema>;
export type ConfigMapping = z.output<typeof configMappingSchema>;
export type ConfigFileFormat = "yaml" | "json";

export function mappingKey(mapping: Pick<ConfigMapping, "subjectType" | "subject" | "scope" | "role">) {
  return `${mapping.subjectType}\u0000${mapping.subject}\u0000${mapping.scope}\u0000${mapping.role}`;
}

export function roleRef(role: { scope: string; key: string }): string {
  return `${role.scope}:${role.key}`;
}

/** The roleRef of the role a mapping points at. */
export function mappedRoleRef(mapping: { scope: string; role: string }): string {
  return `${mapping.scope}:${mapping.role}`;
}

/** The JSON Schema editors use (written to schemas/sts-config.v1.schema.json, served by the console). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configDocumentSchema, { io: "input", unrepresentable: "any" }),
    title: "STS Console configuration (sts-config/v1)",
  };
}
