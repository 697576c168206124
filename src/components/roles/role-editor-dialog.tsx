"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { ApiError, api } from "../api";
import type { PermissionEntry, RoleSummary } from "../console-data";
import { BusyButton, Dialog } from "../dialog";
import { ErrorAlert } from "../error-alert";
import { Field, errorsFor, serverFieldErrors, validate, focusFirstError, type FieldErrors } from "../field";
import { formatDateTime, plural } from "../format";
import { PermissionPicker } from "../permission-picker";
import { toast } from "../toast";
import { createRoleSchema, updateRoleSchema } from "@/server/roles/role.types";

export type RoleEditorTarget = { kind: "create" } | { kind: "edit"; role: RoleSummary };

function isRoleSummary(value: unknown): value is RoleSummary {
  return (
    typeof value === "object" &&
    value !== null &&
    "key" in value &&
    "version" in value &&
    "permissions" in value
  );
}

function keyFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Create or edit a role (tenant role or global template) with the permission picker. */
export function RoleEditorDialog({
  target,
  onClose,
  endpoint,
  scopeLabel,
  catalog,
  catalogLoading,
  held,
  onSaved,
}: {
  target: RoleEditorTarget | null;
  onClose: () => void;
  /** The collection URL: POST here, PATCH `${endpoint}/${id}`. */
  endpoint: string;
  /** "in Acme Corporation" or "usable in every organisation". */
  scopeLabel: string;
  catalog: PermissionEntry[];
  catalogLoading: boolean;
  held: ReadonlySet<string> | null;
  onSaved: (role: RoleSummary) => Promise<void> | void;
}) {
  const title = target?.kind === "edit" ? `Edit role “${target.role.name}”` : "New role";
  // While a save is in flight, Escape and the close button wait for it.
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={title}
      description={`A named set of permissions, ${scopeLabel}.`}
      size="lg"
      busy={busy}
    >
      {target && (
        <RoleForm
          key={target.kind === "edit" ? `${target.role.id}:${target.role.version}` : "new"}
          target={target}
          onClose={onClose}
          endpoint={endpoint}
          catalog={catalog}
          catalogLoading={catalogLoading}
          held={held}
          onSaved={onSaved}
          onBusyChange={setBusy}
        />
      )}
    </Dialog>
  );
}

function RoleForm({
  target,
  onClose,
  endpoint,
  catalog,
  catalogLoading,
  held,
  onSaved,
  onBusyChange,
}: {
  target: RoleEditorTarget;
  onClose: () => void;
  endpoint: string;
  catalog: PermissionEntry[];
  catalogLoading: boolean;
  held: ReadonlySet<string> | null;
  onSaved: (role: RoleSummary) => Promise<void> | void;
  onBusyChange: (busy: boolean) => void;
}) {
  const formId = useId();
  const editing = target.kind === "edit";
  const [base, setBase] = useState<RoleSummary | null>(editing ? target.role : null);
  const [key, setKey] = useState(base?.key ?? "");
  const [keyEdited, setKeyEdited] = useState(false);
  const [name, setName] = useState(base?.name ?? "");
  const [description, setDescription] = useState(base?.description ?? "");
  const [permissions, setPermissions] = useState<string[]>(base?.permissions ?? []);
  const [errors, setErrors] = useState<FieldErrors | null>(null);

  const save = useMutation({
    mutationFn: (input: unknown) =>
      base ? api.patch<RoleSummary>(`${endpoint}/${base.id}`, input) : api.post<RoleSummary>(endpoint, input),
    onSuccess: async (role) => {
      await onSaved(role);
      toast.success(
        base
          ? `Role “${role.name}” saved.`
          : `Role “${role.name}” created with ${plural(role.permissions.length, "permission")}.`,
      );
      onClose();
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  useEffect(() => onBusyChange(save.isPending), [save.isPending, onBusyChange]);

  const changed = base
    ? name !== base.name || description !== base.description || !sameSet(permissions, base.permissions)
    : true;

  const submit = (form: HTMLFormElement) => {
    if (base) {
      const input = {
        version: base.version,
        ...(name !== base.name ? { name } : {}),
        ...(description !== base.description ? { description } : {}),
        ...(!sameSet(permissions, base.permissions) ? { permissions } : {}),
      };
      const result = validate(updateRoleSchema, input);
      setErrors(result.errors);
      if (result.data) save.mutate(result.data);
      else focusFirstError(form);
    } else {
      const result = validate(createRoleSchema, { key, name, description, permissions });
      setErrors(result.errors);
      if (result.data) save.mutate(result.data);
      else focusFirstError(form);
    }
  };

  const conflictCurrent =
    save.error instanceof ApiError && save.error.isConflict && isRoleSummary(save.error.current)
      ? save.error.current
      : null;

  const reload = () => {
    if (conflictCurrent) {
      setBase(conflictCurrent);
      setName(conflictCurrent.name);
      setDescription(conflictCurrent.description);
      setPermissions(conflictCurrent.permissions);
    }
    setErrors(null);
    save.reset();
  };

  return (
    <form
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      <div className="grid grid-2 tight">
        <Field id={`${formId}-name`} label="Name" errors={errorsFor(errors, "name")}>
          {(props) => (
            <input
              {...props}
              className="input"
              value={name}
              maxLength={200}
              data-autofocus=""
              autoComplete="off"
              onChange={(event) => {
                setName(event.target.value);
                if (!base && !keyEdited) setKey(keyFromName(event.target.value));
              }}
            />
          )}
        </Field>
        {base ? (
          <div className="field">
            <span className="label-like">Key</span>
            <p className="static-value">
              <code>{base.key}</code> <span className="muted small">(cannot be changed)</span>
            </p>
          </div>
        ) : (
          <Field
            id={`${formId}-key`}
            label="Key"
            hint="Letters, digits, dot, dash, underscore. Appears in the roles claim of app tokens; cannot be changed later."
            errors={errorsFor(errors, "key")}
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={key}
                maxLength={100}
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => {
                  setKey(event.target.value);
                  setKeyEdited(true);
                }}
              />
            )}
          </Field>
        )}
      </div>
      <Field
        id={`${formId}-description`}
        label="Description"
        optional
        errors={errorsFor(errors, "description")}
      >
        {(props) => (
          <input
            {...props}
            className="input"
            value={description}
            maxLength={1000}
            onChange={(event) => setDescription(event.target.value)}
          />
        )}
      </Field>
      <fieldset className="picker-field">
        <legend>Permissions</legend>
        {base && base.mappingCount > 0 && (
          <p className="small muted">
            Changes apply to everyone this role is mapped to ({plural(base.mappingCount, "mapping")}) at their
            next token exchange.
          </p>
        )}
        {catalogLoading ? (
          <p className="muted">
            <span className="spinner spinner-sm" aria-hidden="true" /> Loading the permission catalog…
          </p>
        ) : (
          <PermissionPicker
            catalog={catalog}
            value={permissions}
            onChange={setPermissions}
            initial={base?.permissions ?? []}
            held={held}
            describedBy={
              errorsFor(errors, "permissions").length > 0 ? `${formId}-permissions-error` : undefined
            }
          />
        )}
        {errorsFor(errors, "permissions").length > 0 && (
          <p id={`${formId}-permissions-error`} className="field-error">
            {errorsFor(errors, "permissions").join(" ")}
          </p>
        )}
      </fieldset>
      {save.isError && (
        <ErrorAlert error={save.error} onReload={base ? reload : undefined}>
          {conflictCurrent && (
            <p className="small">
              Now: <strong>{conflictCurrent.name}</strong> with{" "}
              {plural(conflictCurrent.permissions.length, "permission")}, updated{" "}
              {formatDateTime(conflictCurrent.updatedAt)}. Reload to edit the current role; your changes are
              not applied.
            </p>
          )}
        </ErrorAlert>
      )}
      <div className="dialog-footer">
        <span className="muted small footer-note">{plural(permissions.length, "permission")} selected</span>
        <button type="button" className="button secondary" onClick={onClose} disabled={save.isPending}>
          Cancel
        </button>
        <BusyButton type="submit" busy={save.isPending} busyLabel="Saving…" disabled={!changed}>
          {base ? "Save role" : "Create role"}
        </BusyButton>
      </div>
    </form>
  );
}
