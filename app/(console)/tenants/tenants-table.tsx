"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { api } from "@/components/api";
import { queryKeys, type TenantSummary } from "@/components/console-data";
import { LoadError } from "@/components/error-alert";
import { DateTime } from "@/components/date-time";
import {
  Pager,
  SearchBox,
  SortHeader,
  compareValues,
  type SortOrder,
  useClientPaging,
  FilterSelect,
} from "@/components/table-controls";
import { StatusBadge } from "@/components/status-badge";
import { CreateTenantDialog } from "./create-tenant-dialog";

type StatusFilter = "" | "ACTIVE" | "DISABLED";
const STATUS_OPTIONS: readonly { value: StatusFilter; label: string }[] = [
  { value: "", label: "All statuses" },
  { value: "ACTIVE", label: "Active" },
  { value: "DISABLED", label: "Disabled" },
];

type SortField = "name" | "slug" | "status" | "roleCount" | "mappingCount" | "revision" | "updatedAt";

function accessLabel(can: TenantSummary["can"]): string {
  if (can.deleteTenant) return "Full (bootstrap)";
  const changes = [can.create && "add", can.edit && "edit", can.delete && "remove"].filter(Boolean);
  if (changes.length === 0) return can.read ? "Read only" : "Limited";
  const text = `Read, ${changes.join(", ")}`;
  return can.editOrganisation ? `${text}; rename` : text;
}

export function TenantsTable({
  initialTenants,
  canCreate,
}: {
  initialTenants: TenantSummary[];
  canCreate: boolean;
}) {
  const tenantsQuery = useQuery({
    queryKey: queryKeys.tenants,
    queryFn: async () => (await api.get<{ tenants: TenantSummary[] }>("/api/console/tenants")).tenants,
    initialData: initialTenants,
  });
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("");
  const [sort, setSort] = useState<SortField>("name");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [creating, setCreating] = useState(false);

  const tenants = tenantsQuery.data;
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const rows = tenants.filter(
      (tenant) =>
        (!status || tenant.status === status) &&
        (!needle ||
          tenant.name.toLowerCase().includes(needle) ||
          tenant.slug.includes(needle) ||
          tenant.id.toLowerCase().includes(needle)),
    );
    const direction = order === "asc" ? 1 : -1;
    return [...rows].sort(
      (a, b) => direction * compareValues(a[sort], b[sort]) || compareValues(a.slug, b.slug),
    );
  }, [tenants, search, status, sort, order]);

  const paging = useClientPaging(filtered);
  const visible = paging.visible;
  const onSort = (field: SortField, next: SortOrder) => {
    setSort(field);
    setOrder(next);
    paging.resetPage();
  };
  const disabledCount = tenants.filter((tenant) => tenant.status === "DISABLED").length;

  const createButton = canCreate ? (
    <button type="button" className="button" onClick={() => setCreating(true)}>
      <span aria-hidden="true">+</span> New organisation
    </button>
  ) : null;

  return (
    <>
      {tenantsQuery.isError && (
        <LoadError
          error={tenantsQuery.error}
          onRetry={() => void tenantsQuery.refetch()}
          what="the organisations"
        />
      )}
      {tenants.length === 0 ? (
        <div className="empty">
          <h2>No organisations yet</h2>
          {canCreate ? (
            <>
              <p>
                Start by creating the first organisation: give it a name and a short slug (used in URLs and
                tokens). If the platform&apos;s core already knows the organisation, give its id too, so
                tokens carry the id the core expects. Then map your administrators&apos; IAM group to a role
                in it.
              </p>
              {createButton}
            </>
          ) : (
            <p>
              None of your IAM roles or groups is mapped in an organisation yet. Ask the bootstrap
              administrator or an organisation administrator to map one of your groups.
            </p>
          )}
        </div>
      ) : (
        <section className="card" aria-labelledby="tenants-title">
          <div className="toolbar">
            <h2 id="tenants-title" className="toolbar-title">
              {tenants.length} organisation{tenants.length === 1 ? "" : "s"}
              {disabledCount > 0 && <span className="muted small"> · {disabledCount} disabled</span>}
            </h2>
            <div className="toolbar-controls">
              <SearchBox
                id="tenant-search"
                label="Search organisations by name, slug or id"
                placeholder="Search name, slug or id"
                value={search}
                onChange={(value) => {
                  setSearch(value);
                  paging.resetPage();
                }}
              />
              <FilterSelect
                id="tenant-status"
                label="Status"
                value={status}
                options={STATUS_OPTIONS}
                onChange={(value) => {
                  setStatus(value);
                  paging.resetPage();
                }}
              />
              {createButton}
            </div>
          </div>
          <div className="table-scroll" role="region" aria-labelledby="tenants-title" tabIndex={0}>
            <table className="data">
              <thead>
                <tr>
                  <SortHeader field="name" label="Organisation" sort={sort} order={order} onSort={onSort} />
                  <SortHeader field="slug" label="Slug" sort={sort} order={order} onSort={onSort} />
                  <SortHeader field="status" label="Status" sort={sort} order={order} onSort={onSort} />
                  <SortHeader
                    field="roleCount"
                    label="Own roles"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                    className="num"
                  />
                  <SortHeader
                    field="mappingCount"
                    label="Mappings"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                    className="num"
                  />
                  <SortHeader
                    field="revision"
                    label="Revision"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                    className="num"
                  />
                  <SortHeader field="updatedAt" label="Updated" sort={sort} order={order} onSort={onSort} />
                  <th scope="col">Your access</th>
                </tr>
              </thead>
              <tbody>
                {visible.length === 0 ? (
                  <tr>
                    <td colSpan={8} className="table-empty">
                      No organisation matches “{search}”{status ? ` with status ${status.toLowerCase()}` : ""}
                      .
                    </td>
                  </tr>
                ) : (
                  visible.map((tenant) => (
                    <tr key={tenant.id}>
                      <td>
                        <Link href={`/tenants/${tenant.slug}`} className="strong-link">
                          {tenant.name}
                        </Link>
                        <div className="mono muted tiny">{tenant.id}</div>
                      </td>
                      <td>
                        <code>{tenant.slug}</code>
                      </td>
                      <td>
                        <StatusBadge status={tenant.status} />
                      </td>
                      <td className="num">{tenant.roleCount}</td>
                      <td className="num">
                        <Link
                          href={`/tenants/${tenant.slug}/mappings`}
                          aria-label={`${tenant.mappingCount} mappings in ${tenant.name}`}
                        >
                          {tenant.mappingCount}
                        </Link>
                      </td>
                      <td className="num">{tenant.revision}</td>
                      <td className="small">
                        <DateTime iso={tenant.updatedAt} />
                      </td>
                      <td className="small">{accessLabel(tenant.can)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager label="Organisation pages" {...paging.pager} />
        </section>
      )}
      {canCreate && <CreateTenantDialog open={creating} onClose={() => setCreating(false)} />}
    </>
  );
}
