"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, api, tenantApi } from "@/components/api";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { queryKeys, type TenantDetail, type TenantSummary } from "@/components/console-data";
import { CopyButton } from "@/components/copy-button";
import { BusyButton, Dialog } from "@/components/dialog";
import { ErrorAlert, LoadError } from "@/components/error-alert";
import { Field, errorsFor, serverFieldErrors, validate, type FieldErrors } from "@/components/field";
import { formatDateTime, plural } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { toast } from "@/components/toast";
import { updateTenantSchema } from "@/server/tenants/tenant.types";

function isTenantSummary(value: unknown): value is TenantSummary {
  return (
    typeof value === "object" && value !== null && "slug" in value && "version" in value && "name" in value
  );
}

/** What a 409 brought back: the organisation as it is now. */
function CurrentTenant({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || !isTenantSummary(error.current)) return null;
  const current = error.current;
  return (
    <p className="small">
      Now: name <strong>{current.name}</strong>, status <strong>{current.status.toLowerCase()}</strong>{" "}
      (updated {formatDateTime(current.updatedAt)}).
    </p>
  );
}

export function TenantOverview({ initial }: { initial: TenantDetail }) {
  const slug = initial.tenant.slug;
  const router = useRouter();
  const queryClient = useQueryClient();
  const detailQuery = useQuery({
    queryKey: queryKeys.tenantDetail(slug),
    queryFn: () => api.get<TenantDetail>(tenantApi(slug)),
    initialData: initial,
  });
  const { tenant, deletionImpact } = detailQuery.data;

  const [name, setName] = useState(tenant.name);
  const [nameErrors, setNameErrors] = useState<FieldErrors | null>(null);
  const [confirmStatus, setConfirmStatus] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [confirmSlug, setConfirmSlug] = useState("");

  const applyTenant = (next: TenantSummary) => {
    queryClient.setQueryData<TenantDetail>(queryKeys.tenantDetail(slug), (old) =>
      old ? { ...old, tenant: next } : old,
    );
    void queryClient.invalidateQueries({ queryKey: queryKeys.tenants });
    router.refresh();
  };

  const reload = async () => {
    rename.reset();
    changeStatus.reset();
    const fresh = await detailQuery.refetch();
    if (fresh.data) setName(fresh.data.tenant.name);
    router.refresh();
  };

  const rename = useMutation({
    mutationFn: (input: { version: number; name: string }) =>
      api.patch<TenantSummary>(tenantApi(slug), input),
    onSuccess: (next) => {
      applyTenant(next);
      setName(next.name);
      toast.success(`Renamed to “${next.name}”.`);
    },
    onError: (error) => setNameErrors(serverFieldErrors(error)),
  });

  const changeStatus = useMutation({
    mutationFn: (input: { version: number; status: "ACTIVE" | "DISABLED" }) =>
      api.patch<TenantSummary>(tenantApi(slug), input),
    onSuccess: (next) => {
      applyTenant(next);
      setConfirmStatus(false);
      toast.success(
        next.status === "DISABLED" ? `“${next.name}” is disabled.` : `“${next.name}” is active again.`,
      );
    },
  });

  const remove = useMutation({
    mutationFn: (input: { version: number; confirmSlug: string }) =>
      api.delete<{ deleted: string; removed: { roles: number; mappings: number; technicalClients: number } }>(
        tenantApi(slug),
        input,
      ),
    onSuccess: (result) => {
      queryClient.removeQueries({ queryKey: queryKeys.tenant(slug) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenants });
      toast.success(
        `Organisation “${result.deleted}” deleted with ${plural(result.removed.roles, "role")} and ${plural(result.removed.mappings, "mapping")}.`,
      );
      router.push("/tenants");
      router.refresh();
    },
  });

  const submitRename = () => {
    const result = validate(updateTenantSchema, { version: tenant.version, name });
    setNameErrors(result.errors);
    if (result.data && name !== tenant.name) rename.mutate({ version: tenant.version, name });
  };

  const disabling = tenant.status === "ACTIVE";
  const canManage = tenant.can.editOrganisation;

  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        <p>
          The organisation&apos;s identity as the STS and the platform see it. Its id is the{" "}
          <code>organisationId</code> in every app token; its slug names it in URLs and token requests. The
          revision goes up by one whenever what the organisation&apos;s mappings grant changes, so readers of
          the STS know to refresh.
        </p>
      </div>
      {detailQuery.isError && (
        <LoadError
          error={detailQuery.error}
          onRetry={() => void detailQuery.refetch()}
          what="the organisation"
        />
      )}
      <div className="grid grid-2">
        <section className="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{tenant.name}</dd>
            <dt>Slug</dt>
            <dd>
              <code>{tenant.slug}</code> <span className="muted small">(immutable)</span>
            </dd>
            <dt>Organisation id</dt>
            <dd>
              <span className="id-with-copy">
                <code>{tenant.id}</code>
                <CopyButton value={tenant.id} label="Copy organisation id" />
              </span>
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={tenant.status} />
            </dd>
            <dt>Revision</dt>
            <dd>{tenant.revision}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(tenant.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(tenant.updatedAt)}</dd>
          </dl>
        </section>
        <section className="card stack" aria-labelledby="contents-title">
          <h2 id="contents-title">Access in this organisation</h2>
          <div className="stat-row">
            <Link className="stat" href={`/tenants/${slug}/mappings`}>
              <span className="stat-value">{tenant.mappingCount}</span>
              <span className="stat-label">Mappings</span>
            </Link>
            <Link className="stat" href={`/tenants/${slug}/roles`}>
              <span className="stat-value">{tenant.roleCount}</span>
              <span className="stat-label">Own roles</span>
            </Link>
          </div>
          <p className="muted small">
            Mappings give IAM roles (groups) and technical clients roles here. Besides its own roles, the
            organisation can use every global role template.
          </p>
          <p className="small">
            <Link href={`/tenants/${slug}/matrix`}>Permission matrix</Link> ·{" "}
            <Link href={`/tenants/${slug}/explorer`}>Why does someone have access?</Link> ·{" "}
            <Link href={`/tenants/${slug}/unmapped`}>Unmapped groups</Link>
          </p>
          {tenant.mappingCount === 0 && (
            <div className="alert">
              <strong>Next step:</strong> nothing is mapped yet, so the STS refuses every token request for
              this organisation.{" "}
              {tenant.can.create ? (
                <>
                  <Link href={`/tenants/${slug}/mappings?new=1`}>Add access</Link> for your
                  administrators&apos; IAM group, e.g. with the <em>Organisation administrator</em> template.
                </>
              ) : (
                "Someone with the right to add mappings has to map the first IAM role."
              )}
            </div>
          )}
        </section>
      </div>

      {canManage && (
        <section className="card stack section-gap" aria-labelledby="manage-title">
          <h2 id="manage-title">Name and status</h2>
          <form
            noValidate
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              submitRename();
            }}
          >
            <Field
              id="rename"
              label="Name"
              hint="The slug and id stay the same when you rename."
              errors={errorsFor(nameErrors, "name")}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  value={name}
                  maxLength={200}
                  onChange={(event) => setName(event.target.value)}
                />
              )}
            </Field>
            <BusyButton
              type="submit"
              busy={rename.isPending}
              busyLabel="Saving…"
              disabled={name === tenant.name}
            >
              Save name
            </BusyButton>
          </form>
          {rename.isError && (
            <ErrorAlert error={rename.error} onReload={() => void reload()}>
              <CurrentTenant error={rename.error} />
            </ErrorAlert>
          )}
          <div className="status-row">
            <div>
              <strong>Status: </strong>
              <StatusBadge status={tenant.status} />
              <p className="muted small">
                {disabling
                  ? "While disabled, the STS issues no tokens for this organisation. Its roles and mappings are kept."
                  : "Disabled: the STS issues no tokens for this organisation. Enable it to issue tokens again."}
              </p>
            </div>
            <button
              type="button"
              className={disabling ? "button secondary" : "button"}
              onClick={() => {
                changeStatus.reset();
                setConfirmStatus(true);
              }}
            >
              {disabling ? "Disable organisation…" : "Enable organisation…"}
            </button>
          </div>
        </section>
      )}

      {tenant.can.deleteTenant && (
        <section className="card danger-zone section-gap" aria-labelledby="danger-title">
          <h2 id="danger-title">Danger zone</h2>
          <div className="status-row">
            <p className="small">
              Deleting removes the organisation with all its own roles, mappings and technical clients. It
              cannot be undone; the change is kept in the audit log.
            </p>
            <button
              type="button"
              className="button danger"
              onClick={() => {
                remove.reset();
                setConfirmSlug("");
                setDeleting(true);
              }}
            >
              Delete organisation…
            </button>
          </div>
        </section>
      )}

      <ConfirmDialog
        open={confirmStatus}
        onClose={() => setConfirmStatus(false)}
        title={disabling ? `Disable “${tenant.name}”?` : `Enable “${tenant.name}”?`}
        confirmLabel={disabling ? "Disable" : "Enable"}
        errorTitle="Status not changed."
        busyLabel={disabling ? "Disabling…" : "Enabling…"}
        danger={disabling}
        busy={changeStatus.isPending}
        error={changeStatus.isError ? changeStatus.error : undefined}
        onReload={() => {
          setConfirmStatus(false);
          void reload();
        }}
        onConfirm={() =>
          changeStatus.mutate({ version: tenant.version, status: disabling ? "DISABLED" : "ACTIVE" })
        }
      >
        {disabling ? (
          <p>
            The STS issues no tokens for a disabled organisation: every token exchange for{" "}
            <code>{tenant.slug}</code> is refused from now on, for users and technical clients alike. Roles
            and mappings are kept, and you can enable it again at any time.
          </p>
        ) : (
          <p>
            The STS issues tokens for <code>{tenant.slug}</code> again, with the permissions its mappings
            grant now.
          </p>
        )}
      </ConfirmDialog>

      <Dialog
        open={deleting}
        onClose={() => setDeleting(false)}
        busy={remove.isPending}
        size="sm"
        title={`Delete “${tenant.name}”?`}
      >
        <form
          noValidate
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (confirmSlug === tenant.slug) remove.mutate({ version: tenant.version, confirmSlug });
          }}
        >
          <p>This removes, irreversibly:</p>
          <ul className="impact-list">
            <li>
              the organisation {tenant.name} (id <code>{tenant.id}</code>);
            </li>
            {deletionImpact ? (
              <>
                <li>{plural(deletionImpact.roles, "own role")};</li>
                <li>{plural(deletionImpact.mappings, "mapping")} of IAM roles and technical clients;</li>
                <li>{plural(deletionImpact.technicalClients, "technical client")}.</li>
              </>
            ) : (
              <li>all its roles, mappings and technical clients.</li>
            )}
          </ul>
          <p className="small muted">
            Global role templates are not affected. The STS stops issuing tokens for this organisation at
            once.
          </p>
          <Field
            id="confirm-slug"
            label={
              <>
                Type <code>{tenant.slug}</code> to confirm
              </>
            }
            errors={errorsFor(remove.isError ? serverFieldErrors(remove.error) : null, "confirmSlug")}
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={confirmSlug}
                autoComplete="off"
                spellCheck={false}
                data-autofocus=""
                onChange={(event) => setConfirmSlug(event.target.value)}
              />
            )}
          </Field>
          {remove.isError && (
            <ErrorAlert
              error={remove.error}
              title="Not deleted."
              onReload={() => {
                remove.reset();
                void detailQuery.refetch();
              }}
            />
          )}
          <div className="dialog-footer">
            <button
              type="button"
              className="button secondary"
              onClick={() => setDeleting(false)}
              disabled={remove.isPending}
            >
              Cancel
            </button>
            <BusyButton
              type="submit"
              className="button danger"
              busy={remove.isPending}
              busyLabel="Deleting…"
              disabled={confirmSlug !== tenant.slug}
            >
              Delete organisation
            </BusyButton>
          </div>
        </form>
      </Dialog>
    </>
  );
}
