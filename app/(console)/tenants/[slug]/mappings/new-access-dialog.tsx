"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, queryString, tenantApi } from "@/components/api";
import { queryKeys, type MappingPage, type MappingRow, type RoleSummary } from "@/components/console-data";
import { BusyButton, Dialog } from "@/components/dialog";
import { ErrorAlert } from "@/components/error-alert";
import {
  Field,
  errorsFor,
  serverFieldErrors,
  validate,
  focusFirstError,
  type FieldErrors,
} from "@/components/field";
import {
  formatDateTime,
  formatRelative,
  fromLocalInputValue,
  localOffsetLabel,
  plural,
  toLocalInputValue,
} from "@/components/format";
import { ScopeBadge } from "@/components/status-badge";
import { toast } from "@/components/toast";
import { createMappingsSchema } from "@/server/mappings/mapping.types";
import { permissionsNotHeld } from "./role-access";
import { SubjectCombobox, useSubjectHints } from "./subject-combobox";

type SubjectType = "GROUP" | "CLIENT";

/** Roles this exact subject already has here (to mark them instead of failing with a 409 on save). */
function useExistingRoles(slug: string, subjectType: SubjectType, subject: string, enabled: boolean) {
  const params = { q: subject, subjectType, sort: "subject", order: "asc", page: 1, pageSize: 200 } as const;
  const query = useQuery({
    queryKey: queryKeys.tenantMappingPage(slug, params),
    queryFn: () => api.get<MappingPage>(`${tenantApi(slug)}/mappings${queryString(params)}`),
    enabled: enabled && subject.length > 0,
  });
  const rows: MappingRow[] = enabled ? (query.data?.rows ?? []) : [];
  return new Map(rows.filter((row) => row.subject === subject).map((row) => [row.role.id, row]));
}

export function NewAccessDialog({
  open,
  onClose,
  slug,
  tenantName,
  roles,
  rolesLoading,
  heldPermissions,
  initialSubject = "",
}: {
  open: boolean;
  onClose: () => void;
  slug: string;
  tenantName: string;
  roles: RoleSummary[];
  rolesLoading: boolean;
  /** Permissions the user holds here; null for the bootstrap administrator (all). */
  heldPermissions: ReadonlySet<string> | null;
  initialSubject?: string;
}) {
  const queryClient = useQueryClient();
  const formId = useId();
  const [subjectType, setSubjectType] = useState<SubjectType>("GROUP");
  const [subject, setSubject] = useState(initialSubject);
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [expiry, setExpiry] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors | null>(null);

  const { query: hintsQuery, settled, debounced } = useSubjectHints(slug, subjectType, subject);
  const check = settled && debounced.length > 0 ? (hintsQuery.data?.check ?? null) : null;
  const existing = useExistingRoles(slug, subjectType, check?.subject ?? "", check?.mappedHere ?? false);

  const create = useMutation({
    mutationFn: (input: unknown) =>
      api.post<{ mappings: MappingRow[] }>(`${tenantApi(slug)}/mappings`, input),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tenant(slug) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants }),
      ]);
      const names = result.mappings.map((mapping) => mapping.role.name).join(", ");
      toast.success(`“${subject}” now has ${names} in ${tenantName}.`);
      reset();
      onClose();
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  function reset() {
    setSubjectType("GROUP");
    setSubject("");
    setRoleIds([]);
    setExpiry("");
    setNote("");
    setErrors(null);
    create.reset();
  }

  const close = () => {
    if (create.isPending) return;
    reset();
    onClose();
  };

  const expiresAt = fromLocalInputValue(expiry);
  const submit = (form: HTMLFormElement) => {
    const input = {
      subjectType,
      subject,
      roleIds: roleIds.filter((id) => !existing.has(id)),
      expiresAt: expiry ? (expiresAt ?? expiry) : null,
      note,
    };
    const result = validate(createMappingsSchema, input);
    const fieldErrors: FieldErrors = { ...(result.errors ?? {}) };
    if (expiry && expiresAt && new Date(expiresAt) <= new Date())
      fieldErrors.expiresAt = ["The expiry must be in the future."];
    const hasErrors = Object.keys(fieldErrors).length > 0;
    setErrors(hasErrors ? fieldErrors : null);
    if (!hasErrors && result.data) create.mutate(result.data);
    else focusFirstError(form);
  };

  const toggleRole = (id: string, checked: boolean) =>
    setRoleIds((current) => (checked ? [...current, id] : current.filter((roleId) => roleId !== id)));

  const tenantRoles = roles.filter((role) => role.scope === "tenant");
  const globalRoles = roles.filter((role) => role.scope === "global");
  const subjectLabel = subjectType === "GROUP" ? "IAM role name" : "Client id";

  const renderRole = (role: RoleSummary) => {
    const missing = permissionsNotHeld(role, heldPermissions);
    const already = existing.get(role.id);
    const disabled = missing.length > 0 || already !== undefined;
    const reasonId = `${formId}-role-${role.id}-reason`;
    return (
      <li key={role.id} className={`check-item${disabled ? " is-disabled" : ""}`}>
        <input
          type="checkbox"
          id={`${formId}-role-${role.id}`}
          checked={already !== undefined || roleIds.includes(role.id)}
          disabled={disabled}
          onChange={(event) => toggleRole(role.id, event.target.checked)}
          aria-describedby={reasonId}
        />
        <label htmlFor={`${formId}-role-${role.id}`}>
          <span className="check-title">
            {role.name} <ScopeBadge scope={role.scope} />
          </span>
          <span id={reasonId} className="check-meta">
            <code>{role.key}</code> · {plural(role.permissions.length, "permission")}
            {role.description && ` · ${role.description}`}
            {already && (
              <span className="check-note ok-text">
                {" "}
                Already mapped to this {subjectType === "GROUP" ? "IAM role" : "client"}.
              </span>
            )}
            {!already && missing.length > 0 && (
              <span className="check-note">
                {" "}
                You cannot grant it: you do not hold {missing.slice(0, 3).join(", ")}
                {missing.length > 3 ? ` and ${missing.length - 3} more` : ""} here.
              </span>
            )}
          </span>
        </label>
      </li>
    );
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      busy={create.isPending}
      size="lg"
      title="New access"
      description={`Give an IAM role (a group as your identity provider sends it) or a technical client one or more roles in ${tenantName}.`}
    >
      <form
        noValidate
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit(event.currentTarget);
        }}
      >
        <fieldset className="segmented-field">
          <legend>Who gets access</legend>
          <div className="segmented">
            {(
              [
                ["GROUP", "IAM role / group"],
                ["CLIENT", "Technical client"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className={subjectType === value ? "segment selected" : "segment"}>
                <input
                  type="radio"
                  name={`${formId}-subject-type`}
                  value={value}
                  checked={subjectType === value}
                  onChange={() => {
                    setSubjectType(value);
                    setRoleIds([]);
                  }}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>

        <Field
          id={`${formId}-subject`}
          label={subjectLabel}
          hint={
            subjectType === "GROUP"
              ? "Exactly as the identity provider puts it in the token's role or groups claim: case, spaces and a leading “/” matter. Suggestions are names seen before (for an organisation administrator: those presented in this organisation's token and resolve requests)."
              : "The client id of a registered technical client, exactly as it authenticates."
          }
          errors={errorsFor(errors, "subject")}
        >
          {(props) => (
            <SubjectCombobox
              id={props.id}
              describedBy={[props["aria-describedby"], `${formId}-check`].filter(Boolean).join(" ")}
              invalid={props["aria-invalid"]}
              value={subject}
              onChange={setSubject}
              hints={hintsQuery.data}
              subjectType={subjectType}
            />
          )}
        </Field>
        <div id={`${formId}-check`} aria-live="polite" className="subject-check">
          {subject.length > 0 && !settled && <span className="muted small">Checking the name…</span>}
          {check && check.warnings.length > 0 && (
            <div className="alert warn">
              <ul className="warning-list">
                {check.warnings.map((warning) => (
                  <li key={warning}>
                    <span className="visually-hidden">Warning: </span>
                    {warning}
                  </li>
                ))}
              </ul>
              {check.nearMisses.length > 0 && (
                <div className="row">
                  {check.nearMisses.map((miss) => (
                    <button
                      key={miss.subject}
                      type="button"
                      className="button secondary small"
                      onClick={() => setSubject(miss.subject)}
                    >
                      Use <span className="chip">{miss.subject}</span> instead
                    </button>
                  ))}
                </div>
              )}
            </div>
          )}
          {check && check.seen && (
            <p className="ok-text small">
              ✓ Seen {plural(check.seen.count, "time")}, last {formatRelative(check.seen.lastSeenAt)}.
              {check.mappedHere && " Already mapped here: its current roles are ticked below."}
            </p>
          )}
          {check && !check.seen && check.mappedHere && (
            <p className="small muted">Already mapped here: its current roles are ticked below.</p>
          )}
        </div>

        <fieldset
          className="roles-field"
          aria-describedby={errorsFor(errors, "roleIds").length > 0 ? `${formId}-roles-error` : undefined}
        >
          <legend>
            Roles in {tenantName} <span className="muted small">({roleIds.length} selected)</span>
          </legend>
          {rolesLoading ? (
            <p className="muted">
              <span className="spinner spinner-sm" aria-hidden="true" /> Loading roles…
            </p>
          ) : roles.length === 0 ? (
            <p className="muted">
              No roles exist yet. Create a role first (Roles tab), or ask for a global template.
            </p>
          ) : (
            <>
              {tenantRoles.length > 0 && (
                <>
                  <h3 className="group-title">Roles of this organisation</h3>
                  <ul className="check-list">{tenantRoles.map(renderRole)}</ul>
                </>
              )}
              {globalRoles.length > 0 && (
                <>
                  <h3 className="group-title">Global templates</h3>
                  <ul className="check-list">{globalRoles.map(renderRole)}</ul>
                </>
              )}
            </>
          )}
          {errorsFor(errors, "roleIds").length > 0 && (
            <p id={`${formId}-roles-error`} className="field-error">
              {errorsFor(errors, "roleIds").join(" ")}
            </p>
          )}
        </fieldset>

        <div className="grid grid-2 tight">
          <Field
            id={`${formId}-expiry`}
            label="Expires"
            optional
            hint={
              expiresAt
                ? `Your local time (${localOffsetLabel()}): access ends ${formatDateTime(expiresAt)}.`
                : `Your local time (${localOffsetLabel()}). Leave empty for access without an end.`
            }
            errors={errorsFor(errors, "expiresAt")}
          >
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                className="input"
                value={expiry}
                min={toLocalInputValue(new Date().toISOString())}
                onChange={(event) => setExpiry(event.target.value)}
              />
            )}
          </Field>
          <Field
            id={`${formId}-note`}
            label="Note"
            optional
            hint="Why this access exists, e.g. a ticket number. Shown in the list and the audit log."
            errors={errorsFor(errors, "note")}
          >
            {(props) => (
              <input
                {...props}
                type="text"
                className="input"
                value={note}
                maxLength={1000}
                onChange={(event) => setNote(event.target.value)}
              />
            )}
          </Field>
        </div>

        {create.isError && <ErrorAlert error={create.error} />}
        <div className="dialog-footer">
          <button type="button" className="button secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </button>
          <BusyButton type="submit" busy={create.isPending} busyLabel="Saving…">
            {roleIds.length > 1 ? `Add ${roleIds.length} roles` : "Add access"}
          </BusyButton>
        </div>
      </form>
    </Dialog>
  );
}
