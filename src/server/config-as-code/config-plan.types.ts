import type { ConfigMapping, ConfigRole } from "./config-document.types";

export type ProblemCode =
  | "not_found"
  | "forbidden"
  | "tenant_clash"
  | "unknown_permission"
  | "deprecated_permission"
  | "grant_not_held"
  | "last_manager"
  | "unknown_global_role"
  | "global_role_differs"
  | "no_manager"
  | "never_observed"
  | "near_miss";

export interface PlanProblem {
  /** Errors block apply; warnings are shown for review. */
  severity: "error" | "warning";
  code: ProblemCode;
  message: string;
  /** Field path in the file, e.g. tenants[0].mappings[12].subject. */
  path?: string;
}

export interface Change<T> {
  from: T;
  to: T;
}

export interface RoleChange {
  key: string;
  scope: "global" | "tenant";
  name?: Change<string>;
  description?: Change<string>;
  permissionsAdded: string[];
  permissionsRemoved: string[];
}

export interface MappingChange {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  role: string;
  scope: "global" | "tenant";
  expiresAt?: Change<string | null>;
  note?: Change<string>;
}

export interface TenantDiff {
  tenant: { name?: Change<string>; status?: Change<"ACTIVE" | "DISABLED"> };
  roles: { added: ConfigRole[]; removed: ConfigRole[]; changed: RoleChange[] };
  mappings: { added: ConfigMapping[]; removed: ConfigMapping[]; changed: MappingChange[] };
}

export interface TenantPlan extends TenantDiff {
  id: string;
  slug: string;
  name: string;
  action: "create" | "update" | "unchanged";
  /** The revision this plan was computed against (null: the tenant does not exist yet). */
  baseRevision: number | null;
  /** sha256 of the tenant's configuration the plan was computed against (notes and names change it
   * without moving the revision). */
  baseDigest: string | null;
  problems: PlanProblem[];
}

export interface ConfigPlan {
  tenants: TenantPlan[];
  counts: { added: number; removed: number; changed: number; errors: number; warnings: number };
}

export interface ConfigProgress {
  phase: "read" | "plan" | "apply" | "commit";
  done: number;
  total: number;
  tenant?: string;
}

export type ProgressListener = (progress: ConfigProgress) => void;
