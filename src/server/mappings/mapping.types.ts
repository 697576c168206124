import { z } from "zod";
import { plainText, plainTextList, versionSchema } from "../shared/text";

export const subjectTypeSchema = z.enum(["GROUP", "CLIENT"], {
  error: "subjectType must be GROUP or CLIENT",
});

/** Exactly as the IdP sends it: validated, never trimmed or case-folded. */
export const subjectSchema = plainText("subject", 255);

/** The IAM roles/groups of a user, as a request lists them: subjects by the same rules. */
export const subjectListSchema = plainTextList(
  "subject",
  255,
  "groups must be a list of IAM role/group names",
).max(1000, "at most 1000 groups");

const expiresAtSchema = z
  .union([z.iso.datetime({ offset: true, error: "expiresAt must be an ISO 8601 date-time" }), z.null()])
  .optional();

export const createMappingsSchema = z.object({
  subjectType: subjectTypeSchema.default("GROUP"),
  subject: subjectSchema,
  roleIds: z
    .array(z.uuid({ error: "roleIds must hold role ids" }), { error: "roleIds must be a list" })
    .min(1, "choose at least one role")
    .max(100, "at most 100 roles at once")
    .refine((ids) => new Set(ids).size === ids.length, "roleIds must not repeat"),
  expiresAt: expiresAtSchema,
  note: plainText("note", 1000, 0).default(""),
});
export type CreateMappingsInput = z.input<typeof createMappingsSchema>;

export const updateMappingSchema = z
  .object({
    version: versionSchema,
    expiresAt: expiresAtSchema,
    note: plainText("note", 1000, 0).optional(),
  })
  .refine(
    (input) => input.expiresAt !== undefined || input.note !== undefined,
    "change the note or the expiry",
  );
export type UpdateMappingInput = z.input<typeof updateMappingSchema>;

export const deleteMappingSchema = z.object({ version: versionSchema });

export const MAPPING_SORT_FIELDS = ["subject", "role", "createdAt", "expiresAt"] as const;

export const listMappingsQuerySchema = z.object({
  q: z.string().max(255).optional(),
  subjectType: subjectTypeSchema.optional(),
  sort: z.enum(MAPPING_SORT_FIELDS).default("subject"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type ListMappingsQuery = z.input<typeof listMappingsQuerySchema>;

export interface MappingRow {
  id: string;
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  role: { id: string; key: string; name: string; scope: "global" | "tenant" };
  expiresAt: string | null;
  expired: boolean;
  note: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface MappingPage {
  rows: MappingRow[];
  total: number;
  page: number;
  pageSize: number;
  counts: { groups: number; clients: number; expired: number };
}
