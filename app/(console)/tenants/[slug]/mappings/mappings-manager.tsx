"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, queryString, tenantApi } from "@/components/api";
import { ConfirmDialog } from "@/components/confirm-dialog";
import {
  queryKeys,
  useMe,
  useTenantRoles,
  type MappingListParams,
  type MappingPage,
  type MappingRow,
  type MeResponse,
  type TenantSummary,
} from "@/components/console-data";
import { LoadError } from "@/components/error-alert";
import { DateTime } from "@/components/date-time";
import { plural } from "@/components/format";
import { ScopeBadge } from "@/components/status-badge";
import { Pager, SearchBox, SortHeader } from "@/components/table-controls";
import { toast } from "@/components/toast";
import { useDebouncedValue } from "@/components/use-debounced-value";
import { EditMappingDialog } from "./edit-mapping-dialog";
import { NewAccessDialog } from "./new-access-dialog";

type Sort = MappingListParams["sort"];
const SOON_MS = 7 * 24 * 60 * 60 * 1000;

function ExpiryCell({ mapping }: { mapping: MappingRow }) {
  if (!mapping.expiresAt) return <span className="muted">Never</span>;
  const soon = !mapping.expired && new Date(mapping.expiresAt).getTime() - Date.now() < SOON_MS;
  return (
    <span className="stack-tight">
      <DateTime iso={mapping.expiresAt} />
      {mapping.expired ? (
        <span className="badge danger">Expired: grants nothing</span>
      ) : soon ? (
        <span className="badge warn">Expires soon</span>
      ) : null}
    </span>
  );
}

export function MappingsManager({
  tenant,
  initialMe,
  openNewAccess,
  initialSubject = "",
}: {
  tenant: TenantSummary;
  initialMe: MeResponse;
  openNewAccess: boolean;
  /** Prefills the IAM role name of the "New access" form (from a "map this group" link). */
  initialSubject?: string;
}) {
  const slug = tenant.slug;
  const { can } = tenant;
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [subjectType, setSubjectType] = useState<MappingListParams["subjectType"]>("");
  const [sort, setSort] = useState<Sort>("subject");
  const [order, setOrder] = useState<"asc" | "desc">("asc");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [creating, setCreating] = useState(openNewAccess && can.create);
  const [editing, setEditing] = useState<MappingRow | null>(null);
  const [removing, setRemoving] = useState<MappingRow | null>(null);

  const q = useDebouncedValue(search.trim(), 300);
  const params: MappingListParams = { q, subjectType, sort, order, page, pageSize };
  const mappingsQuery = useQuery({
    queryKey: queryKeys.tenantMappingPage(slug, params),
    queryFn: () => api.get<MappingPage>(`${tenantApi(slug)}/mappings${queryString({ ...params })}`),
    placeholderData: keepPreviousData,
  });
  const meQuery = useMe(initialMe);
  const rolesQuery = useTenantRoles(slug);

  const heldPermissions = useMemo(() => {
    const me = meQuery.data;
    if (me.isBootstrapAdmin) return null;
    return new Set(me.tenantPermissions[tenant.id] ?? []);
  }, [meQuery.data, tenant.id]);

  const remove = useMutation({
    mutationFn: (mapping: MappingRow) =>
      api.delete<{ deleted: string }>(`${tenantApi(slug)}/mappings/${mapping.id}`, {
        version: mapping.version,
      }),
    onMutate: async (mapping) => {
      // Optimistic: the row disappears at once and comes back if the server refuses.
      await queryClient.cancelQueries({ queryKey: queryKeys.tenantMappings(slug) });
      const snapshot = queryClient.getQueriesData<MappingPage>({ queryKey: queryKeys.tenantMappings(slug) });
      queryClient.setQueriesData<MappingPage>({ queryKey: queryKeys.tenantMappings(slug) }, (old) =>
        old && old.rows.some((row) => row.id === mapping.id)
          ? {
              ...old,
              rows: old.rows.filter((row) => row.id !== mapping.id),
              total: Math.max(0, old.total - 1),
            }
          : old,
      );
      return { snapshot };
    },
    onError: (_error, _mapping, context) => {
      for (const [key, data] of context?.snapshot ?? []) queryClient.setQueryData(key, data);
    },
    onSuccess: (_result, mapping) => {
      setRemoving(null);
      toast.success(`Removed ${mapping.role.name} from “${mapping.subject}”.`);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenant(slug) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenants });
    },
  });

  const data = mappingsQuery.data;
  const counts = data?.counts;
  const allCount = counts ? counts.groups + counts.clients : 0;
  const onSort = (field: Sort, next: "asc" | "desc") => {
    setSort(field);
    setOrder(next);
    setPage(1);
  };
  const showActions = can.edit || can.delete;
  const filtering = q.length > 0 || subjectType !== "";
  const unfilteredEmpty = data !== undefined && allCount === 0;

  const newAccessButton = can.create ? (
    <button type="button" className="button" onClick={() => setCreating(true)}>
      <span aria-hidden="true">+</span> New access
    </button>
  ) : null;

  return (
    <>
      {mappingsQuery.isError && !data && (
        <LoadError
          error={mappingsQuery.error}
          onRetry={() => void mappingsQuery.refetch()}
          what="the mappings"
        />
      )}
      {!data && mappingsQuery.isPending && (
        <div className="card loading-card" role="status">
          <span className="spinner" aria-hidden="true" /> Loading mappings…
        </div>
      )}
      {unfilteredEmpty ? (
        <div className="empty">
          <h2>No access mapped yet</h2>
          <p>
            A mapping gives an IAM role (a group name exactly as your identity provider sends it, e.g. an Okta
            group) or a technical client a role in {tenant.name}. When someone exchanges an IAM token, the STS
            collects the roles of all their mapped groups and puts those roles&apos; permissions into the app
            token. Until something is mapped, every token request for this organisation is refused.
          </p>
          {newAccessButton ?? (
            <p className="muted small">You can read this organisation but not add mappings.</p>
          )}
        </div>
      ) : (
        data && (
          <section className="card" aria-labelledby="mappings-title">
            <div className="toolbar">
              <h2 id="mappings-title" className="toolbar-title">
                {plural(allCount, "mapping")}
                {mappingsQuery.isFetching && (
                  <span className="muted small updating" role="status">
                    <span className="spinner spinner-sm" aria-hidden="true" /> Updating…
                  </span>
                )}
              </h2>
              <div className="toolbar-controls">
                <SearchBox
                  id="mapping-search"
                  label="Search mappings by IAM role, client, role or note"
                  placeholder="Search name, role or note"
                  value={search}
                  onChange={(value) => {
                    setSearch(value);
                    setPage(1);
                  }}
                />
                {newAccessButton}
              </div>
            </div>
            <div className="toolbar">
              <fieldset className="filter-segments">
                <legend className="visually-hidden">Show</legend>
                {(
                  [
                    ["", `All (${allCount})`],
                    ["GROUP", `IAM roles (${counts?.groups ?? 0})`],
                    ["CLIENT", `Technical clients (${counts?.clients ?? 0})`],
                  ] as const
                ).map(([value, label]) => (
                  <label
                    key={value || "all"}
                    className={subjectType === value ? "segment selected" : "segment"}
                  >
                    <input
                      type="radio"
                      name="mapping-subject-type"
                      value={value}
                      checked={subjectType === value}
                      onChange={() => {
                        setSubjectType(value);
                        setPage(1);
                      }}
                    />
                    {label}
                  </label>
                ))}
              </fieldset>
              {counts && counts.expired > 0 && (
                <span
                  className="badge danger"
                  title="Expired mappings grant nothing; remove them or extend their expiry"
                >
                  {plural(counts.expired, "expired mapping")}
                </span>
              )}
            </div>
            <div className="table-scroll" role="region" aria-labelledby="mappings-title" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr>
                    <SortHeader
                      field="subject"
                      label="IAM role / client"
                      sort={sort}
                      order={order}
                      onSort={onSort}
                    />
                    <SortHeader field="role" label="Role" sort={sort} order={order} onSort={onSort} />
                    <SortHeader field="expiresAt" label="Expires" sort={sort} order={order} onSort={onSort} />
                    <th scope="col">Note</th>
                    <SortHeader field="createdAt" label="Created" sort={sort} order={order} onSort={onSort} />
                    {showActions && (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.length === 0 ? (
                    <tr>
                      <td colSpan={showActions ? 6 : 5} className="table-empty">
                        {filtering
                          ? "No mapping matches this search and filter."
                          : "No mappings on this page."}
                      </td>
                    </tr>
                  ) : (
                    data.rows.map((mapping) => (
                      <tr key={mapping.id} className={mapping.expired ? "is-expired" : undefined}>
                        <td>
                          <span className="chip subject-chip">{mapping.subject}</span>
                          <div className="tiny muted">
                            {mapping.subjectType === "GROUP" ? "IAM role / group" : "Technical client"}
                          </div>
                        </td>
                        <td>
                          <div className="cell-title">{mapping.role.name}</div>
                          <div className="row tight-row">
                            <ScopeBadge scope={mapping.role.scope} />
                            <code className="tiny muted">{mapping.role.key}</code>
                          </div>
                        </td>
                        <td>
                          <ExpiryCell mapping={mapping} />
                        </td>
                        <td className="note-cell">{mapping.note || <span className="muted">—</span>}</td>
                        <td className="small">
                          <div>{mapping.createdBy}</div>
                          <div className="muted">
                            <DateTime iso={mapping.createdAt} />
                          </div>
                        </td>
                        {showActions && (
                          <td className="actions-cell">
                            {can.edit && (
                              <button
                                type="button"
                                className="button secondary small"
                                onClick={() => setEditing(mapping)}
                                aria-label={`Edit mapping of ${mapping.subject} to ${mapping.role.name}`}
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
                                  setRemoving(mapping);
                                }}
                                aria-label={`Remove ${mapping.role.name} from ${mapping.subject}`}
                              >
                                Remove
                              </button>
                            )}
                          </td>
                        )}
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
            <Pager
              label="Mapping pages"
              page={data.page}
              pageSize={pageSize}
              total={data.total}
              onPage={setPage}
              onPageSize={(size) => {
                setPageSize(size);
                setPage(1);
              }}
            />
          </section>
        )
      )}

      {can.create && (
        <NewAccessDialog
          open={creating}
          onClose={() => {
            setCreating(false);
            // Opened from the overview's "Add access" link: do not reopen on reload.
            if (window.location.search.includes("new=1") || window.location.search.includes("subject="))
              window.history.replaceState(null, "", window.location.pathname);
          }}
          slug={slug}
          tenantName={tenant.name}
          roles={rolesQuery.data ?? []}
          rolesLoading={rolesQuery.isPending}
          heldPermissions={heldPermissions}
          initialSubject={initialSubject}
        />
      )}
      {can.edit && <EditMappingDialog mapping={editing} slug={slug} onClose={() => setEditing(null)} />}
      {can.delete && (
        <ConfirmDialog
          open={removing !== null}
          onClose={() => setRemoving(null)}
          title="Remove this access?"
          confirmLabel="Remove"
          errorTitle="Not removed."
          busyLabel="Removing…"
          danger
          busy={remove.isPending}
          error={remove.isError ? remove.error : undefined}
          onReload={() => {
            remove.reset();
            setRemoving(null);
            void queryClient.invalidateQueries({ queryKey: queryKeys.tenantMappings(slug) });
          }}
          onConfirm={() => removing && remove.mutate(removing)}
        >
          {removing && (
            <>
              <p>
                {removing.subjectType === "GROUP" ? "IAM role" : "Technical client"}{" "}
                <span className="chip">{removing.subject}</span> loses the role{" "}
                <strong>{removing.role.name}</strong> in {tenant.name}.
              </p>
              <p className="small muted">
                It takes effect at once: the next token exchange no longer grants this role&apos;s permissions
                through this mapping. Other mappings of the same name are kept.
              </p>
            </>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
