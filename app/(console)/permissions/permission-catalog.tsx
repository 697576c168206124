"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import Link from "next/link";
import { api } from "@/components/api";
import { ConfirmDialog } from "@/components/confirm-dialog";
import {
  queryKeys,
  usePermissionCatalog,
  type PermissionCatalogView,
  type PermissionEntry,
} from "@/components/console-data";
import { BusyButton } from "@/components/dialog";
import { LoadError } from "@/components/error-alert";
import { formatDate, formatDateTime, plural } from "@/components/format";
import { FilterSelect, SearchBox } from "@/components/table-controls";
import { toast } from "@/components/toast";

type StatusFilter = "" | "active" | "deprecated" | "unused";
const STATUS_OPTIONS: readonly { value: StatusFilter; label: string }[] = [
  { value: "", label: "All keys" },
  { value: "active", label: "Grantable" },
  { value: "deprecated", label: "Deprecated" },
  { value: "unused", label: "Held by no role" },
];

export function PermissionCatalog({
  initial,
  canManage,
}: {
  initial: PermissionCatalogView;
  canManage: boolean;
}) {
  const queryClient = useQueryClient();
  const catalogQuery = usePermissionCatalog(initial);
  const { permissions, catalog } = catalogQuery.data ?? initial;
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("");
  const [deleting, setDeleting] = useState<PermissionEntry | null>(null);
  const [deprecating, setDeprecating] = useState<PermissionEntry | null>(null);

  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const map = new Map<string, PermissionEntry[]>();
    for (const entry of permissions) {
      const matches =
        (!needle ||
          entry.key.toLowerCase().includes(needle) ||
          entry.description.toLowerCase().includes(needle) ||
          entry.category.toLowerCase().includes(needle)) &&
        (status === "" ||
          (status === "active" && !entry.deprecatedAt) ||
          (status === "deprecated" && entry.deprecatedAt !== null) ||
          (status === "unused" && entry.roleCount === 0));
      if (!matches) continue;
      const list = map.get(entry.category) ?? [];
      list.push(entry);
      map.set(entry.category, list);
    }
    return [...map.entries()];
  }, [permissions, search, status]);
  const shown = groups.reduce((sum, [, entries]) => sum + entries.length, 0);
  const deprecatedCount = permissions.filter((entry) => entry.deprecatedAt).length;
  const categoryCount = new Set(permissions.map((entry) => entry.category)).size;

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.permissions }),
      queryClient.invalidateQueries({ queryKey: ["tenant"] }),
      queryClient.invalidateQueries({ queryKey: queryKeys.globalRoles }),
    ]);

  const setDeprecated = useMutation({
    mutationFn: ({ key, deprecated }: { key: string; deprecated: boolean }) =>
      api.patch<{ key: string; deprecatedAt: string | null }>(
        `/api/console/permissions/${encodeURIComponent(key)}`,
        { deprecated },
      ),
    onSuccess: async (result) => {
      setDeprecating(null);
      toast.success(
        result.deprecatedAt ? `${result.key} is deprecated.` : `${result.key} can be granted again.`,
      );
      await refresh();
    },
    // Deprecating fails inside its dialog; undeprecating has no dialog, so it fails in a toast.
    onError: (error, variables) => {
      if (!variables.deprecated) toast.error(`${variables.key} was not changed: ${error.message}`);
    },
  });

  const remove = useMutation({
    mutationFn: (key: string) =>
      api.delete<{ deleted: string }>(`/api/console/permissions/${encodeURIComponent(key)}`),
    onSuccess: async (result) => {
      setDeleting(null);
      toast.success(`${result.deleted} removed from the catalog.`);
      await refresh();
    },
  });

  return (
    <>
      {catalogQuery.isError && (
        <LoadError
          error={catalogQuery.error}
          onRetry={() => void catalogQuery.refetch()}
          what="the catalog"
        />
      )}
      <section className="card catalog-summary" aria-label="Catalog version">
        {catalog ? (
          <dl className="summary-facts">
            <div>
              <dt>Catalog version</dt>
              <dd>
                <code>{catalog.version}</code>
              </dd>
            </div>
            <div>
              <dt>Follows core</dt>
              <dd>
                <code>{catalog.coreVersion}</code>
              </dd>
            </div>
            <div>
              <dt>Imported</dt>
              <dd>{formatDateTime(catalog.importedAt)}</dd>
            </div>
            <div>
              <dt>Keys</dt>
              <dd>
                {permissions.length} in {plural(categoryCount, "category", "categories")}
                {deprecatedCount > 0 && `, ${deprecatedCount} deprecated`}
              </dd>
            </div>
          </dl>
        ) : (
          <p className="muted">
            No catalog has been imported yet: roles cannot be given permissions until one is.
          </p>
        )}
      </section>

      <section className="card section-gap" aria-labelledby="catalog-title">
        <div className="toolbar">
          <h2 id="catalog-title" className="toolbar-title">
            {shown === permissions.length
              ? plural(permissions.length, "permission")
              : `${shown} of ${permissions.length} permissions`}
          </h2>
          <div className="toolbar-controls">
            <SearchBox
              id="permission-search"
              label="Search permissions by key, description or category"
              placeholder="Search key or description"
              value={search}
              onChange={setSearch}
            />
            <FilterSelect
              id="permission-status"
              label="Show"
              value={status}
              options={STATUS_OPTIONS}
              onChange={setStatus}
            />
          </div>
        </div>
        {groups.length === 0 ? (
          <p className="table-empty">No permission matches this search.</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="catalog-title" tabIndex={0}>
            <table className="data catalog-table">
              <colgroup>
                <col className="col-key" />
                <col />
                <col className="col-bit" />
                <col className="col-roles" />
                <col className="col-status" />
                {canManage && <col className="col-actions" />}
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Description</th>
                  <th scope="col" className="num">
                    Bit
                  </th>
                  <th scope="col" className="num">
                    Roles
                  </th>
                  <th scope="col">Status</th>
                  {canManage && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              {groups.map(([category, entries]) => (
                <tbody key={category}>
                  <tr className="group-row">
                    <th scope="colgroup" colSpan={canManage ? 6 : 5}>
                      {category.replace(/_/g, " ")} <span className="badge">{entries.length}</span>
                    </th>
                  </tr>
                  {entries.map((entry) => (
                    <tr key={entry.key} className={entry.deprecatedAt ? "is-deprecated" : undefined}>
                      <td>
                        <code className="key">{entry.key}</code>
                        <div className="tiny">
                          <Link href={`/access?permission=${encodeURIComponent(entry.key)}`}>
                            Who has it?
                          </Link>
                        </div>
                      </td>
                      <td className="small">{entry.description || <span className="muted">—</span>}</td>
                      <td className="num mono small">{entry.bit ?? <span className="muted">—</span>}</td>
                      <td className="num">{entry.roleCount}</td>
                      <td>
                        {entry.deprecatedAt ? (
                          <span className="stack-tight">
                            <span className="badge warn">Deprecated</span>
                            <span className="tiny muted">since {formatDate(entry.deprecatedAt)}</span>
                          </span>
                        ) : (
                          <span className="badge ok">Grantable</span>
                        )}
                      </td>
                      {canManage && (
                        <td className="actions-cell">
                          {entry.deprecatedAt ? (
                            <BusyButton
                              className="button secondary small"
                              busy={setDeprecated.isPending && setDeprecated.variables.key === entry.key}
                              busyLabel="Saving…"
                              onClick={() => setDeprecated.mutate({ key: entry.key, deprecated: false })}
                            >
                              <span aria-hidden="true">Undeprecate</span>
                              <span className="visually-hidden">Undeprecate {entry.key}</span>
                            </BusyButton>
                          ) : (
                            <button
                              type="button"
                              className="button secondary small"
                              onClick={() => {
                                setDeprecated.reset();
                                setDeprecating(entry);
                              }}
                              aria-label={`Deprecate ${entry.key}`}
                            >
                              Deprecate
                            </button>
                          )}
                          <button
                            type="button"
                            className="button ghost small danger-text"
                            onClick={() => {
                              remove.reset();
                              setDeleting(entry);
                            }}
                            aria-label={`Delete ${entry.key}`}
                          >
                            Delete
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        )}
      </section>

      {canManage && (
        <>
          <ConfirmDialog
            open={deprecating !== null}
            onClose={() => setDeprecating(null)}
            title={deprecating ? `Deprecate ${deprecating.key}?` : "Deprecate?"}
            confirmLabel="Deprecate"
            busyLabel="Deprecating…"
            busy={setDeprecated.isPending}
            error={setDeprecated.isError ? setDeprecated.error : undefined}
            onConfirm={() => deprecating && setDeprecated.mutate({ key: deprecating.key, deprecated: true })}
          >
            {deprecating && (
              <p>
                No role can be given <code>{deprecating.key}</code> anew. The{" "}
                {plural(deprecating.roleCount, "role")} that hold it keep it, and tokens still carry it, until
                it is removed from them. You can undo this.
              </p>
            )}
          </ConfirmDialog>
          <ConfirmDialog
            open={deleting !== null}
            onClose={() => setDeleting(null)}
            title={deleting ? `Delete ${deleting.key}?` : "Delete?"}
            confirmLabel="Delete from catalog"
            errorTitle="Not deleted."
            busyLabel="Deleting…"
            danger
            busy={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            onConfirm={() => deleting && remove.mutate(deleting.key)}
          >
            {deleting && (
              <>
                <p>
                  Removes <code>{deleting.key}</code> from the catalog. Only a key that no role holds can be
                  deleted.
                </p>
                {deleting.roleCount > 0 ? (
                  <p className="alert warn">
                    {plural(deleting.roleCount, "role")} {deleting.roleCount === 1 ? "holds" : "hold"} it, so
                    the server will refuse: deprecate it instead, which stops new grants and keeps existing
                    roles working.
                  </p>
                ) : (
                  <p className="small muted">
                    No role holds it. If the core still checks it, a later catalog import brings it back.
                  </p>
                )}
              </>
            )}
          </ConfirmDialog>
        </>
      )}
    </>
  );
}
