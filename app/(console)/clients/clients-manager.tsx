"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { api } from "@/components/api";
import { ConfirmDialog } from "@/components/confirm-dialog";
import {
  queryKeys,
  useTenants,
  type ClientWithSecret,
  type TechnicalClientSummary,
  type TechnicalClientsResponse,
  type TenantSummary,
} from "@/components/console-data";
import { DateTime } from "@/components/date-time";
import { BusyButton, Dialog } from "@/components/dialog";
import { ErrorAlert, LoadError } from "@/components/error-alert";
import { plural } from "@/components/format";
import {
  Pager,
  SearchBox,
  SortHeader,
  compareValues,
  type SortOrder,
  useClientPaging,
  FilterSelect,
} from "@/components/table-controls";
import { toast } from "@/components/toast";
import { OneTimeSecret } from "./one-time-secret";
import { RegisterClientDialog, clientAnchor } from "./register-client-dialog";

type SortField = "clientId" | "organisation" | "status" | "createdAt" | "secretRotatedAt" | "lastUsedAt";
type StatusFilter = "" | "ACTIVE" | "REVOKED";
const STATUS_OPTIONS: readonly { value: StatusFilter; label: string }[] = [
  { value: "", label: "All statuses" },
  { value: "ACTIVE", label: "Active" },
  { value: "REVOKED", label: "Revoked" },
];

function clientApi(clientId: string): string {
  return `/api/console/clients/${encodeURIComponent(clientId)}`;
}

function ClientStatusBadge({ status }: { status: TechnicalClientSummary["status"] }) {
  return status === "ACTIVE" ? (
    <span className="badge ok">
      <span className="dot" aria-hidden="true" />
      Active
    </span>
  ) : (
    <span className="badge danger">
      <span className="dot" aria-hidden="true" />
      Revoked
    </span>
  );
}

/** Confirm, then show the new secret once: one dialog, so focus never leaves it in between. */
function RotateSecretDialog({
  client,
  onClose,
  publicUrl,
  exampleTenant,
}: {
  client: TechnicalClientSummary | null;
  onClose: () => void;
  publicUrl: string;
  exampleTenant: string;
}) {
  const queryClient = useQueryClient();
  const [rotated, setRotated] = useState<ClientWithSecret | null>(null);
  const rotate = useMutation({
    mutationFn: (target: TechnicalClientSummary) =>
      api.post<ClientWithSecret>(`${clientApi(target.clientId)}/rotate`, { version: target.version }),
    onSuccess: (result) => {
      queryClient.setQueryData<TechnicalClientSummary[]>(queryKeys.clients, (old) =>
        old?.map((row) => (row.clientId === result.client.clientId ? result.client : row)),
      );
      setRotated(result);
      toast.success(`New secret for “${result.client.clientId}”; the old one no longer works.`);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.clients }),
  });
  const close = () => {
    if (rotate.isPending) return;
    setRotated(null);
    rotate.reset();
    onClose();
  };
  return (
    <Dialog
      open={client !== null}
      onClose={close}
      busy={rotate.isPending}
      size={rotated ? "lg" : "sm"}
      title={rotated ? `New secret for “${rotated.client.clientId}”` : "Rotate the secret?"}
    >
      {rotated ? (
        <OneTimeSecret
          result={rotated}
          publicUrl={publicUrl}
          exampleTenant={rotated.client.tenant?.slug ?? exampleTenant}
          onDone={close}
        />
      ) : (
        client && (
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              if (!rotate.isPending) rotate.mutate(client);
            }}
          >
            <div className="confirm-body">
              <p>
                A new secret is generated for <code>{client.clientId}</code> ({client.name}) and shown once.
              </p>
              <p>
                <strong>The current secret stops working at once:</strong> every STS or script that still uses
                it gets 401 until it is given the new one.
              </p>
            </div>
            {rotate.isError && (
              <ErrorAlert
                error={rotate.error}
                title="Not rotated."
                onReload={() => {
                  rotate.reset();
                  close();
                }}
              />
            )}
            <div className="dialog-footer">
              <button
                type="button"
                className="button secondary"
                onClick={close}
                disabled={rotate.isPending}
                data-autofocus=""
              >
                Cancel
              </button>
              <BusyButton
                type="submit"
                busy={rotate.isPending}
                busyLabel="Rotating…"
                className="button danger"
              >
                Rotate secret
              </BusyButton>
            </div>
          </form>
        )
      )}
    </Dialog>
  );
}

export function ClientsManager({
  initialClients,
  initialTenants,
  isBootstrapAdmin,
  publicUrl,
}: {
  initialClients: TechnicalClientSummary[];
  initialTenants: TenantSummary[];
  isBootstrapAdmin: boolean;
  publicUrl: string;
}) {
  const queryClient = useQueryClient();
  const clientsQuery = useQuery({
    queryKey: queryKeys.clients,
    queryFn: async () => (await api.get<TechnicalClientsResponse>("/api/console/clients")).clients,
    initialData: initialClients,
  });
  const tenantsQuery = useTenants(initialTenants);
  const tenants = tenantsQuery.data ?? initialTenants;
  const tenantsById = useMemo(() => new Map(tenants.map((tenant) => [tenant.id, tenant])), [tenants]);
  const registrable = useMemo(
    () => tenants.filter((tenant) => tenant.can.create).sort((a, b) => compareValues(a.name, b.name)),
    [tenants],
  );

  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("");
  const [sort, setSort] = useState<SortField>("clientId");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [registering, setRegistering] = useState(false);
  const [rotating, setRotating] = useState<TechnicalClientSummary | null>(null);
  const [revoking, setRevoking] = useState<TechnicalClientSummary | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);

  const clients = clientsQuery.data;
  const organisationLabel = (client: TechnicalClientSummary): string =>
    client.tenant
      ? (tenantsById.get(client.tenant.id)?.name ?? client.tenant.slug)
      : "All organisations (read)";

  const rights = (client: TechnicalClientSummary) => {
    if (client.status !== "ACTIVE") return { rotate: false, revoke: false };
    if (!client.tenant) return { rotate: isBootstrapAdmin, revoke: isBootstrapAdmin };
    const can = tenantsById.get(client.tenant.id)?.can;
    return { rotate: can?.edit ?? false, revoke: can?.delete ?? false };
  };

  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const label = (client: TechnicalClientSummary) =>
      client.tenant
        ? `${tenantsById.get(client.tenant.id)?.name ?? ""} ${client.tenant.slug}`
        : "all organisations";
    const rows = clients.filter(
      (client) =>
        (!status || client.status === status) &&
        (!needle ||
          client.clientId.toLowerCase().includes(needle) ||
          client.name.toLowerCase().includes(needle) ||
          label(client).toLowerCase().includes(needle)),
    );
    const value = (client: TechnicalClientSummary): string | null =>
      sort === "organisation" ? label(client) : client[sort];
    const direction = order === "asc" ? 1 : -1;
    return [...rows].sort(
      (a, b) => direction * compareValues(value(a), value(b)) || compareValues(a.clientId, b.clientId),
    );
  }, [clients, search, status, sort, order, tenantsById]);

  const paging = useClientPaging(filtered);
  const visible = paging.visible;
  const onSort = (field: SortField, next: SortOrder) => {
    setSort(field);
    setOrder(next);
    paging.resetPage();
  };
  const revokedCount = clients.filter((client) => client.status === "REVOKED").length;
  const canRegister = isBootstrapAdmin || registrable.length > 0;
  const showActions = clients.some((client) => {
    const allowed = rights(client);
    return allowed.rotate || allowed.revoke;
  });
  const exampleTenant = registrable[0]?.slug ?? tenants[0]?.slug ?? "your-organisation";

  const revoke = useMutation({
    mutationFn: (client: TechnicalClientSummary) =>
      api.post<TechnicalClientSummary>(`${clientApi(client.clientId)}/revoke`, { version: client.version }),
    onSuccess: (client) => {
      // Show the revoked state at once (its buttons go with it), then refetch.
      queryClient.setQueryData<TechnicalClientSummary[]>(queryKeys.clients, (old) =>
        old?.map((row) => (row.clientId === client.clientId ? client : row)),
      );
      setRevoked(client.clientId);
      setRevoking(null);
      toast.success(`“${client.clientId}” is revoked: its secret no longer works.`);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.clients }),
  });

  const registerButton = canRegister ? (
    <button type="button" className="button" onClick={() => setRegistering(true)}>
      <span aria-hidden="true">+</span> Register client
    </button>
  ) : null;

  return (
    <>
      {clientsQuery.isError && (
        <LoadError
          error={clientsQuery.error}
          onRetry={() => void clientsQuery.refetch()}
          what="the technical clients"
        />
      )}
      {clients.length === 0 ? (
        <div className="empty">
          <h2>No technical clients yet</h2>
          <p>
            A technical client is a machine user: an STS or a script that reads mappings through the machine
            API (<code>/api/v1/resolve</code>, organisation snapshots) with Basic credentials, or a service
            that gets app tokens with <code>client_credentials</code>, its roles coming from CLIENT mappings.
            Each client gets a secret that is shown once.
          </p>
          {registerButton ?? (
            <p className="muted small">
              Registering a client needs <code>STS_IAM_ROLE_CREATE</code> in its organisation.
            </p>
          )}
        </div>
      ) : (
        <section className="card" aria-labelledby="clients-title">
          <div className="toolbar">
            <h2 id="clients-title" className="toolbar-title">
              {plural(clients.length, "technical client")}
              {revokedCount > 0 && <span className="muted small"> · {revokedCount} revoked</span>}
              {clientsQuery.isFetching && (
                <span className="muted small updating" role="status">
                  <span className="spinner spinner-sm" aria-hidden="true" /> Updating…
                </span>
              )}
            </h2>
            <div className="toolbar-controls">
              <SearchBox
                id="client-search"
                label="Search clients by id, name or organisation"
                placeholder="Search id, name or organisation"
                value={search}
                onChange={(value) => {
                  setSearch(value);
                  paging.resetPage();
                }}
              />
              <FilterSelect
                id="client-status"
                label="Status"
                value={status}
                options={STATUS_OPTIONS}
                onChange={(value) => {
                  setStatus(value);
                  paging.resetPage();
                }}
              />
              {registerButton}
            </div>
          </div>
          <div className="table-scroll" role="region" aria-labelledby="clients-title" tabIndex={0}>
            <table className="data clients-table">
              <thead>
                <tr>
                  <SortHeader field="clientId" label="Client" sort={sort} order={order} onSort={onSort} />
                  <SortHeader
                    field="organisation"
                    label="Organisation"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                  />
                  <SortHeader field="status" label="Status" sort={sort} order={order} onSort={onSort} />
                  <SortHeader field="createdAt" label="Created" sort={sort} order={order} onSort={onSort} />
                  <SortHeader
                    field="secretRotatedAt"
                    label="Secret set"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                  />
                  <SortHeader
                    field="lastUsedAt"
                    label="Last used"
                    sort={sort}
                    order={order}
                    onSort={onSort}
                  />
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
                    <td colSpan={showActions ? 7 : 6} className="table-empty">
                      No client matches this search{status ? ` with status ${status.toLowerCase()}` : ""}.
                    </td>
                  </tr>
                ) : (
                  visible.map((client) => {
                    const allowed = rights(client);
                    return (
                      <tr key={client.clientId}>
                        <td>
                          <code
                            id={clientAnchor(client.clientId)}
                            tabIndex={-1}
                            className="cell-title client-id"
                          >
                            {client.clientId}
                          </code>
                          <div className="small">{client.name}</div>
                        </td>
                        <td>
                          {client.tenant ? (
                            <>
                              <Link href={`/tenants/${client.tenant.slug}`}>{organisationLabel(client)}</Link>
                              <div className="tiny muted mono">{client.tenant.slug}</div>
                            </>
                          ) : (
                            <span
                              className="badge accent"
                              title="Reads the mappings of every organisation; changes nothing"
                            >
                              All organisations (read)
                            </span>
                          )}
                        </td>
                        <td>
                          <ClientStatusBadge status={client.status} />
                        </td>
                        <td className="small">
                          <div>{client.createdBy}</div>
                          <div className="muted">
                            <DateTime iso={client.createdAt} />
                          </div>
                        </td>
                        <td className="small">
                          <DateTime iso={client.secretRotatedAt} />
                        </td>
                        <td className="small">
                          <DateTime iso={client.lastUsedAt} />
                        </td>
                        {showActions && (
                          <td className="actions-cell">
                            <div className="row-actions">
                              {allowed.rotate && (
                                <button
                                  type="button"
                                  className="button secondary small"
                                  onClick={() => setRotating(client)}
                                  aria-label={`Rotate the secret of ${client.clientId}`}
                                >
                                  Rotate secret
                                </button>
                              )}
                              {allowed.revoke && (
                                <button
                                  type="button"
                                  className="button ghost small danger-text"
                                  onClick={() => {
                                    revoke.reset();
                                    setRevoking(client);
                                  }}
                                  aria-label={`Revoke ${client.clientId}`}
                                >
                                  Revoke
                                </button>
                              )}
                            </div>
                          </td>
                        )}
                      </tr>
                    );
                  })
                )}
              </tbody>
            </table>
          </div>
          <Pager label="Technical client pages" {...paging.pager} />
        </section>
      )}

      {canRegister && (
        <RegisterClientDialog
          open={registering}
          onClose={() => setRegistering(false)}
          tenants={registrable}
          isBootstrapAdmin={isBootstrapAdmin}
          publicUrl={publicUrl}
        />
      )}
      <RotateSecretDialog
        client={rotating}
        onClose={() => setRotating(null)}
        publicUrl={publicUrl}
        exampleTenant={exampleTenant}
      />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke this client?"
        confirmLabel="Revoke client"
        busyLabel="Revoking…"
        errorTitle="Not revoked."
        danger
        busy={revoke.isPending}
        error={revoke.isError ? revoke.error : undefined}
        onReload={() => {
          revoke.reset();
          setRevoking(null);
          void queryClient.invalidateQueries({ queryKey: queryKeys.clients });
        }}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        fallbackFocus={() => (revoked ? document.getElementById(clientAnchor(revoked)) : null)}
      >
        {revoking && (
          <>
            <p>
              <code>{revoking.clientId}</code> ({revoking.name}) can no longer authenticate: its secret stops
              working at once, for the machine API and for <code>client_credentials</code>.
            </p>
            <p>
              <strong>This cannot be undone.</strong> To give access again, register a new client with another
              id. Its CLIENT mappings stay until you remove them.
            </p>
          </>
        )}
      </ConfirmDialog>
    </>
  );
}
