"use client";

/**
 * Response shapes of the console API (types only from the server's .types files) and the query keys
 * every page shares, so a change on one page refreshes what other pages show.
 */
import { useQuery } from "@tanstack/react-query";
import type { SubjectCheck, SubjectSuggestion } from "@/server/mappings/subject-hints";
import type { TechnicalClientSummary } from "@/server/clients/client.types";
import type { SigningKeySummary } from "@/server/keys/signing-keys";
import type { PermissionCatalogView } from "@/server/permissions/list-permissions";
import type { RoleSummary } from "@/server/roles/role.types";
import type { TenantSummary } from "@/server/tenants/tenant.types";
import { api, tenantApi } from "./api";

export type { MappingPage, MappingRow } from "@/server/mappings/mapping.types";
export type { PermissionCatalogView, PermissionEntry } from "@/server/permissions/list-permissions";
export type { RoleSummary } from "@/server/roles/role.types";
export type { TenantSummary } from "@/server/tenants/tenant.types";
export type { SubjectCheck, SubjectSuggestion } from "@/server/mappings/subject-hints";
export type { ClientWithSecret, TechnicalClientSummary } from "@/server/clients/client.types";
export type { SigningKeySummary } from "@/server/keys/signing-keys";

export interface MeResponse {
  identity: { sub: string; name: string; email: string; roles: string[]; groups: string[] };
  isBootstrapAdmin: boolean;
  /** tenantId → permission keys held there. */
  tenantPermissions: Record<string, string[]>;
}

export interface DeletionImpact {
  roles: number;
  mappings: number;
  technicalClients: number;
}

export interface TenantDetail {
  tenant: TenantSummary;
  deletionImpact: DeletionImpact | null;
}

export interface SubjectHints {
  suggestions: SubjectSuggestion[];
  check: SubjectCheck | null;
}

/** GET /api/console/keys (bootstrap administrator only). */
export interface SigningKeysResponse {
  keys: SigningKeySummary[];
  publishLeadSeconds: number;
  tokenTtlSeconds: number;
}

export interface TechnicalClientsResponse {
  clients: TechnicalClientSummary[];
}

export interface MappingListParams {
  q: string;
  subjectType: "" | "GROUP" | "CLIENT";
  sort: "subject" | "role" | "createdAt" | "expiresAt";
  order: "asc" | "desc";
  page: number;
  pageSize: number;
}

export const queryKeys = {
  me: ["me"] as const,
  tenants: ["tenants"] as const,
  tenant: (slug: string) => ["tenant", slug] as const,
  tenantDetail: (slug: string) => ["tenant", slug, "detail"] as const,
  tenantRoles: (slug: string) => ["tenant", slug, "roles"] as const,
  tenantMappings: (slug: string) => ["tenant", slug, "mappings"] as const,
  tenantMappingPage: (slug: string, params: MappingListParams) =>
    ["tenant", slug, "mappings", params] as const,
  subjectHints: (slug: string, subjectType: string, q: string) =>
    ["tenant", slug, "subjects", subjectType, q] as const,
  globalRoles: ["roles", "global"] as const,
  permissions: ["permissions"] as const,
  signingKeys: ["signing-keys"] as const,
  clients: ["clients"] as const,
};

export function useMe(initialData: MeResponse) {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: () => api.get<MeResponse>("/api/console/me"),
    initialData,
  });
}

export function useTenants(initialData?: TenantSummary[]) {
  return useQuery({
    queryKey: queryKeys.tenants,
    queryFn: async () => (await api.get<{ tenants: TenantSummary[] }>("/api/console/tenants")).tenants,
    initialData,
  });
}

export function usePermissionCatalog(initialData?: PermissionCatalogView) {
  return useQuery({
    queryKey: queryKeys.permissions,
    queryFn: () => api.get<PermissionCatalogView>("/api/console/permissions"),
    initialData,
  });
}

export function useTenantRoles(slug: string, initialData?: RoleSummary[]) {
  return useQuery({
    queryKey: queryKeys.tenantRoles(slug),
    queryFn: async () => (await api.get<{ roles: RoleSummary[] }>(`${tenantApi(slug)}/roles`)).roles,
    initialData,
  });
}

export function useGlobalRoles(initialData?: RoleSummary[]) {
  return useQuery({
    queryKey: queryKeys.globalRoles,
    queryFn: async () => (await api.get<{ roles: RoleSummary[] }>("/api/console/roles")).roles,
    initialData,
  });
}
