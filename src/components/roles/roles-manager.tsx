"use client";

/**
 * The roles table shared by an organisation's Roles page (its own roles plus the global templates) and
 * the Role templates page (global roles only). What may be changed comes from the server (`can`, the
 * bootstrap flag); this component only shows or hides the controls.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { api } from "../api";
import { ConfirmDialog } from "../confirm-dialog";
import {
  queryKeys,
  useMe,
  usePermissionCatalog,
  type MeResponse,
  type PermissionCatalogView,
  type RoleSummary,
} from "../console-data";
import { LoadError } from "../error-alert";
import { DateTime } from "../date-time";
import { plural } from "../format";
import { ScopeBadge } from "../status-badge";
import {
  Pager,
  SearchBox,
  SortHeader,
  compareValues,
  type SortOrder,
  useClientPaging,
  FilterSelect,
} from "../table-controls";
import { toast } from "../toast";
import { RoleEditorDialog, type RoleEditorTarget } from "./role-editor-dialog";

type ScopeFilter = "" | "tenant" | "global";
const SCOPE_OPTIONS: readonly { value: ScopeFilter; label: string }[] = [
  { value: "", label: "All roles" },
  { value: "tenant", label: "Organisation roles" },
  { value: "global", label: "Global templates" },
];

export type RolesScope =
  | {
      kind: "tenant";
      slug: string;
      tenantId: string;
      tenantName: string;
      can: { create: boolean; edit: boolean; delete: boolean };
    }
  | { kind: "global"; canManage: boolean };

type SortField = "name" | "scope" | "permissions" | "mappingCount" | "updatedAt";

function sortValue(role: RoleSummary, field: SortField): string | number {
  switch (field) {
    case "permissions":
      return role.permissions.length;
    case "mappingCount":
      return role.mappingCount;
    case "scope":
      return role.scope;
    case "updatedAt":
      return role.updatedAt;
    default:
      return role.name;
  }
}

export function RolesManager({
  scope,
  initialRoles,
  initialMe,
  initialCatalog,
}: {
  scope: RolesScope;
  initialRoles: RoleSummary[];
  initialMe: MeResponse;
  initialCatalog?: PermissionCatalogView;
}) {
  const queryClient = useQueryClient();
  const isTenant = scope.kind === "tenant";
  const endpoint = isTenant
    ? `/api/console/tenants/${encodeURIComponent(scope.slug)}/roles`
    : "/api/console/roles";
  const rolesKey = isTenant ? queryKeys.tenantRoles(scope.slug) : queryKeys.globalRoles;
  const rolesQuery = useQuery({
    queryKey: rolesKey,
    queryFn: async () => (await api.get<{ roles: RoleSummary[] }>(endpoint)).roles,
    initialData: initialRoles,
  });
  const meQuery = useMe(initialMe);
  const catalogQuery = usePermissionCatalog(initialCatalog);

  const can = isTenant
    ? scope.can
    : { create: scope.canManage, edit: scope.canManage, delete: scope.canManage };
  const isBootstrap = meQuery.data.isBootstrapAdmin;
  const held = useMemo(() => {
    if (meQuery.data.isBootstrapAdmin) return null;
    return new Set(isTenant ? (meQuery.data.tenantPermissions[scope.tenantId] ?? []) : []);
  }, [meQuery.data, isTenant, scope]);

  const [search, setSearch] = useState("");
  const [scopeFilter, setScopeFilter] = useState<ScopeFilter>("");
  const [sort, setSort] = useState<SortField>(isTenant ? "scope" : "name");
  const [order, setOrder] = useState<SortOrder>(isTenant ? "desc" : "asc");
  const [editing, setEditing] = useState<RoleEditorTarget | null>(null);
  const [deleting, setDeleting] = useState<RoleSummary | null>(null);

  const roles = rolesQuery.data;
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const rows = roles.filter(
      (role) =>
        (!scopeFilter || role.scope === scopeFilter) &&
        (!needle ||
          role.name.toLowerCase().includes(needle) ||
          role.key.toLowerCase().includes(needle) ||
          role.description.toLowerCase().includes(needle) ||
          role.permissions.some((permission) => permission.toLowerCase().includes(needle))),
    );
    const direction = order === "asc" ? 1 : -1;
    return [...rows].sort(
      (a, b) =>
        direction * compareValues(sortValue(a, sort), sortValue(b, sort)) || compareValues(a.name, b.name),
    );
  }, [roles, search, scopeFilter, sort, order]);
  const paging = useClientPaging(filtered);
  const visible = paging.visible;

  const invalidateAfterChange = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: rolesKey }),
      queryClient.invalidateQueries({ queryKey: queryKeys.permissions }),
      queryClient.invalidateQueries({ queryKey: queryKeys.tenants }),
      // A tenant role changes its tenant; a global template every tenant that maps it.
      queryClient.invalidateQueries({ queryKey: isTenant ? queryKeys.tenant(scope.slug) : ["tenant"] }),
      isTenant ? Promise.resolve() : queryClient.invalidateQueries({ queryKey: queryKeys.globalRoles }),
    ]);
  };

  const remove = useMutation({
    mutationFn: (role: RoleSummary) =>
      api.delete<{ deleted: string; removedMappings: number }>(`${endpoint}/${role.id}`, {
        version: role.version,
      }),
    onSuccess: async (result, role) => {
      setDeleting(null);
      toast.success(
        `Role “${role.name}” deleted${result.removedMappings > 0 ? ` with ${plural(result.removedMappings, "mapping")}` : ""}.`,
      );
      await invalidateAfterChange();
    },
  });

  const onSort = (field: SortField, next: SortOrder) => {
    setSort(field);
    setOrder(next);
    paging.resetPage();
  };
  const editable = (role: RoleSummary) => (isTenant ? role.scope === "tenant" : true);
  const showActions = can.edit || can.delete || (isTenant && isBootstrap);
  const ownCount = roles.filter((role) => role.scope === "tenant").length;
  const globalCount = roles.length - ownCount;
  const columns = 5 + (isTenant ? 1 : 0) + (showActions ? 1 : 0);

  const newButton = can.create ? (
    <button type="button" className="button" onClick={() => setEditing({ kind: "create" })}>
      <span aria-hidden="true">+</span> {isTenant ? "New role" : "New template"}
    </button>
  ) : null;

  return (
    <>
      {rolesQuery.isError && (
        <LoadError error={rolesQuery.error} onRetry={() => void rolesQuery.refetch()} what="the roles" />
      )}
      {roles.length === 0 ? (
        <div className="empty">
          <h2>{isTenant ? "No roles yet" : "No role templates yet"}</h2>
          <p>
            {isTenant
              ? "A role is a named set of permissions. Create one for this organisation, or ask the bootstrap administrator for global templates usable everywhere."
              : "Role templates are roles usable in every organisation, like the platform's documented system roles (Credential issuer, Verifier, Read-only auditor, Organisation administrator)."}
          </p>
          {newButton}
        </div>
      ) : (
        <section className="card" aria-labelledby="roles-title">
          <div className="toolbar">
            <h2 id="roles-title" className="toolbar-title">
              {isTenant
                ? `${plural(ownCount, "own role")} · ${plural(globalCount, "global template")}`
                : plural(roles.length, "template")}
            </h2>
            <div className="toolbar-controls">
              <SearchBox
                id="role-search"
                label="Search roles by name, key, description or permission"
                placeholder="Search name, key or permission"
                value={search}
                onChange={(value) => {
                  setSearch(value);
                  paging.resetPage();
                }}
              />
              {isTenant && (
                <FilterSelect
                  id="role-scope"
                  label="Scope"
                  value={scopeFilter}
                  options={SCOPE_OPTIONS}
                  onChange={(value) => {
                    setScopeFilter(value);
                    paging.resetPage();
                  }}
                />
              )}
              {newButton}
            </div>
          </div>
          {remove.isError && !deleting && (
            <div className="alert danger" role="alert">
              <strong>Not deleted.</strong> {remove.error.message}
            </div>
          )}
          <div className="table-scroll" role="region" aria-labelledby="roles-title" tabIndex={0}>
            <table className="data">
              <thead>
                <tr>
                  <SortHeader field="name" label="Role" sort={sort} order={order} onSort={onSort} />
                  {isTenant && (
                    <SortHeader field="scope" label="Scope" sort={sort} order={order} onSort={onSort} />
                  )}
                  <SortHeader
                    field="permissions"
                    label="Permissions"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                  />
                  <SortHeader
                    field="mappingCount"
                    label={isTenant ? "Mappings here" : "Mappings"}
                    sort={sort}
                    order={order}
                    onSort={onSort}
                    className="num"
                  />
                  <SortHeader field="updatedAt" label="Updated" sort={sort} order={order} onSort={onSort} />
                  <th scope="col">Created by</th>
                  {showActions && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {visible.length === 0 ? (
                  <tr>
                    <td colSpan={columns} className="table-empty">
                      No role matches this search.
                    </td>
                  </tr>
                ) : (
                  visible.map((role) => (
                    <tr key={role.id}>
                      <td className="role-cell">
                        <div className="cell-title">{role.name}</div>
                        <code className="tiny muted">{role.key}</code>
                        {role.description && <div className="small muted">{role.description}</div>}
                      </td>
                      {isTenant && (
                        <td>
                          <ScopeBadge scope={role.scope} />
                        </td>
                      )}
                      <td className="permissions-cell">
                        {role.permissions.length === 0 ? (
                          <span className="muted">None</span>
                        ) : (
                          <details>
                            <summary>{plural(role.permissions.length, "permission")}</summary>
                            <ul className="chips plain-list">
                              {role.permissions.map((permission) => (
                                <li key={permission} className="chip">
                                  {permission}
                                </li>
                              ))}
                            </ul>
                          </details>
                        )}
                      </td>
                      <td className="num">{role.mappingCount}</td>
                      <td className="small">
                        <DateTime iso={role.updatedAt} />
                      </td>
                      <td className="small">{role.createdBy}</td>
                      {showActions && (
                        <td className="actions-cell">
                          {editable(role) ? (
                            <>
                              {can.edit && (
                                <button
                                  type="button"
                                  className="button secondary small"
                                  onClick={() => setEditing({ kind: "edit", role })}
                                  aria-label={`Edit role ${role.name}`}
                                >
                                  Edit
                                </button>
                              )}
                              {can.delete && (
                                <button
                                  type="button"
                                  className="button ghost small danger-text"
                                  onClick={() => {
                                    remove.reset();
                                    setDeleting(role);
                                  }}
                                  aria-label={`Delete role ${role.name}`}
                                >
                                  Delete
                                </button>
                              )}
                            </>
                          ) : isBootstrap ? (
                            <Link
                              href="/roles"
                              className="small"
                              aria-label={`Edit the global template ${role.name} under Role templates`}
                            >
                              Edit template
                            </Link>
                          ) : (
                            <span className="small muted">Read-only template</span>
                          )}
                        </td>
                      )}
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          {filtered.length > 10 && <Pager label="Role pages" {...paging.pager} />}
        </section>
      )}

      {(can.create || can.edit) && (
        <RoleEditorDialog
          target={editing}
          onClose={() => setEditing(null)}
          endpoint={endpoint}
          scopeLabel={isTenant ? `usable only in ${scope.tenantName}` : "usable in every organisation"}
          catalog={catalogQuery.data?.permissions ?? []}
          catalogLoading={catalogQuery.isPending}
          held={held}
          onSaved={invalidateAfterChange}
        />
      )}
      {can.delete && (
        <ConfirmDialog
          open={deleting !== null}
          onClose={() => setDeleting(null)}
          title={deleting ? `Delete role “${deleting.name}”?` : "Delete role?"}
          confirmLabel="Delete role"
          errorTitle="Not deleted."
          busyLabel="Deleting…"
          danger
          busy={remove.isPending}
          error={remove.isError ? remove.error : undefined}
          onReload={() => {
            remove.reset();
            setDeleting(null);
            void rolesQuery.refetch();
          }}
          onConfirm={() => deleting && remove.mutate(deleting)}
        >
          {deleting && (
            <>
              <p>
                {deleting.mappingCount > 0 ? (
                  <>
                    <strong>{plural(deleting.mappingCount, "mapping")}</strong>{" "}
                    {isTenant ? `in ${scope.tenantName}` : "across all organisations"} go with it: the IAM
                    roles and clients mapped to <code>{deleting.key}</code> lose its{" "}
                    {plural(deleting.permissions.length, "permission")} at their next token exchange.
                  </>
                ) : (
                  <>No mapping uses this role; nobody loses access.</>
                )}
              </p>
              <p className="small muted">
                This cannot be undone; the role and its mappings are kept in the audit log.
              </p>
            </>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
