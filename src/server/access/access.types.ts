/**
 * Request schemas and answer shapes of the access views (matrix, explorer, what-if, reverse lookup,
 * unmapped groups). The schemas are shared with the browser forms.
 */
import { z } from "zod";
import { subjectListSchema, subjectSchema, subjectTypeSchema } from "../mappings/mapping.types";
import { permissionKeySchema } from "../permissions/permission-catalog.types";
import type { ProvenanceEntry, Resolution } from "../sts/resolve-permissions";

export type RoleScope = "global" | "tenant";

/** Explorer: the groups of a (possibly imagined) user, or one technical client. */
export const explainRequestSchema = z
  .object({
    groups: subjectListSchema.optional(),
    clientId: subjectSchema.optional(),
  })
  .strict()
  .refine((body) => (body.groups === undefined) !== (body.clientId === undefined), {
    message: "send either groups or clientId",
    path: ["groups"],
  });
export type ExplainRequest = z.input<typeof explainRequestSchema>;

export const mappingChangeSchema = z.discriminatedUnion(
  "op",
  [
    z
      .object({
        op: z.literal("add"),
        subjectType: subjectTypeSchema.default("GROUP"),
        subject: subjectSchema,
        roleId: z.uuid({ error: "roleId must be a role id" }),
      })
      .strict(),
    z
      .object({ op: z.literal("remove"), mappingId: z.uuid({ error: "mappingId must be a mapping id" }) })
      .strict(),
  ],
  { error: 'op must be "add" or "remove"' },
);
export type MappingChange = z.input<typeof mappingChangeSchema>;

/** What-if: a mapping added or removed, judged for its own subject and, optionally, for a set of groups. */
export const whatIfRequestSchema = z
  .object({ change: mappingChangeSchema, groups: subjectListSchema.optional() })
  .strict();
export type WhatIfRequest = z.input<typeof whatIfRequestSchema>;

export const whoHasQuerySchema = z.object({
  permission: permissionKeySchema,
});

export const whereQuerySchema = z.object({
  subject: subjectSchema,
  subjectType: subjectTypeSchema.default("GROUP"),
});

export const unmappedQuerySchema = z.object({
  q: z.string().max(255, "q must be at most 255 characters").default(""),
  subjectType: subjectTypeSchema.default("GROUP"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

/**
 * A set of small non-negative integers as hex: character i holds positions 4i…4i+3 (bit j = 4i+j).
 * 300 roles × 200 permissions travel as 15 KB instead of a quarter of a megabyte of number arrays.
 */
export function encodePositions(positions: Iterable<number>): string {
  const nibbles: number[] = [];
  for (const at of positions) {
    while (nibbles.length <= at >> 2) nibbles.push(0);
    nibbles[at >> 2]! |= 1 << (at & 3);
  }
  return nibbles.map((nibble) => nibble.toString(16)).join("");
}

export function decodePositions(encoded: string): number[] {
  const positions: number[] = [];
  for (let index = 0; index < encoded.length; index += 1) {
    const nibble = parseInt(encoded[index]!, 16);
    for (let bit = 0; bit < 4; bit += 1) if (nibble & (1 << bit)) positions.push(index * 4 + bit);
  }
  return positions;
}

export interface MatrixPermission {
  key: string;
  category: string;
  description: string;
  deprecated: boolean;
}

export interface MatrixRole {
  id: string;
  key: string;
  name: string;
  scope: RoleScope;
  /** Positions in `PermissionMatrix.permissions` this role holds, as a position set (encodePositions). */
  grants: string;
  /** Live mappings of this role here. */
  mappingCount: number;
}

export interface MatrixSubject {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  /** Positions in `PermissionMatrix.roles` of this subject's live mappings. */
  roles: number[];
  /** Roles mapped only through expired mappings (they grant nothing). */
  expiredRoles: number[];
  /** Positions in `PermissionMatrix.permissions` in force for this subject alone (the resolver's answer), as a position set. */
  grants: string;
}

export interface PermissionMatrix {
  tenant: { id: string; slug: string; name: string; status: "ACTIVE" | "DISABLED"; revision: number };
  /** The whole catalog, by category then key. */
  permissions: MatrixPermission[];
  /** Every role usable here: the tenant's own, then the global templates. */
  roles: MatrixRole[];
  subjects: MatrixSubject[];
}

export interface ExplainedRole {
  /** The mapping that gives the role (for a what-if removal). */
  mappingId: string;
  id: string;
  key: string;
  name: string;
  scope: RoleScope;
  expiresAt: string | null;
}

export interface ExplainedSubject {
  subject: string;
  /** Live mappings of this subject here. */
  roles: ExplainedRole[];
  /** Mappings that would apply but have expired. */
  expiredRoles: ExplainedRole[];
  /** Mapped names this one matches only after folding case, a leading "/" and white space. */
  nearMisses: { subject: string; difference: string }[];
}

export interface Explanation {
  /** Exactly what the resolve API answers for the same subjects. */
  resolution: Resolution;
  subjectType: "GROUP" | "CLIENT";
  subjects: ExplainedSubject[];
  /** Role key → name and scope, for every role in the provenance. */
  roleNames: Record<string, { name: string; scope: RoleScope }>;
  /** Permission key → catalog category. */
  categories: Record<string, string>;
  warnings: string[];
}

export interface AccessDiff {
  before: { roles: string[]; permissions: string[] };
  after: { roles: string[]; permissions: string[] };
  rolesGained: string[];
  rolesLost: string[];
  permissionsGained: string[];
  permissionsLost: string[];
}

export interface WhatIfAnswer {
  change: {
    op: "add" | "remove";
    subjectType: "GROUP" | "CLIENT";
    subject: string;
    role: { id: string; key: string; name: string; scope: RoleScope };
    /** The change would alter nothing (the mapping exists already, or adds only what is held). */
    noop: boolean;
    note: string | null;
  };
  /** Effect on the changed subject alone. */
  subject: AccessDiff;
  /** Effect on the given groups together, when groups were sent. */
  groups: AccessDiff | null;
}

export interface PermissionHolder {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  role: { id: string; key: string; name: string; scope: RoleScope };
  expiresAt: string | null;
}

export interface WhoHasAnswer {
  tenant: { slug: string; name: string; status: "ACTIVE" | "DISABLED" };
  permission: MatrixPermission;
  /** Subjects holding it through live mappings (none while the tenant is disabled). */
  holders: PermissionHolder[];
  /** Roles usable here that hold it, with their live mapping counts. */
  roles: { id: string; key: string; name: string; scope: RoleScope; mappingCount: number }[];
}

export interface SubjectAccessInTenant {
  tenant: { slug: string; name: string; status: "ACTIVE" | "DISABLED" };
  roles: string[];
  permissions: string[];
  provenance: Record<string, ProvenanceEntry[]>;
  /** Mappings of the subject here that have expired. */
  expiredRoles: string[];
}

export interface WhereAnswer {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  /** Tenants the asker may read where the subject has a mapping (live or expired). */
  tenants: SubjectAccessInTenant[];
  /** Whether the answer covers every tenant (bootstrap) or only those the asker may read. */
  scope: "all" | "readable";
}

export interface UnmappedSubject {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
  /** Names mapped here (or anywhere, globally) that this one matches only after folding. */
  nearMisses: { subject: string; difference: string }[];
}

export interface UnmappedPage {
  rows: UnmappedSubject[];
  total: number;
  page: number;
  pageSize: number;
}
