"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError, api, tenantApi } from "@/components/api";
import { queryKeys, type MappingRow } from "@/components/console-data";
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
  fromLocalInputValue,
  localOffsetLabel,
  toLocalInputValue,
} from "@/components/format";
import { ScopeBadge } from "@/components/status-badge";
import { toast } from "@/components/toast";
import { updateMappingSchema } from "@/server/mappings/mapping.types";

function isMappingRow(value: unknown): value is MappingRow {
  return (
    typeof value === "object" && value !== null && "version" in value && "subject" in value && "role" in value
  );
}

/** Edits note and expiry of one mapping; a 409 shows the current values and offers to load them. */
export function EditMappingDialog({
  mapping,
  slug,
  onClose,
}: {
  mapping: MappingRow | null;
  slug: string;
  onClose: () => void;
}) {
  // While a save is in flight, Escape and the close button wait for it.
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open={mapping !== null} onClose={onClose} title="Edit mapping" size="md" busy={busy}>
      {mapping && (
        <EditMappingForm
          key={`${mapping.id}:${mapping.version}`}
          mapping={mapping}
          slug={slug}
          onClose={onClose}
          onBusyChange={setBusy}
        />
      )}
    </Dialog>
  );
}

function EditMappingForm({
  mapping,
  slug,
  onClose,
  onBusyChange,
}: {
  mapping: MappingRow;
  slug: string;
  onClose: () => void;
  onBusyChange: (busy: boolean) => void;
}) {
  const queryClient = useQueryClient();
  // The state the edit is based on: the row as loaded, or the current one after "Reload".
  const [base, setBase] = useState(mapping);
  const [expiry, setExpiry] = useState(toLocalInputValue(mapping.expiresAt));
  const [note, setNote] = useState(mapping.note);
  const [errors, setErrors] = useState<FieldErrors | null>(null);

  const update = useMutation({
    mutationFn: (input: unknown) => api.patch<MappingRow>(`${tenantApi(slug)}/mappings/${base.id}`, input),
    onSuccess: async (updated) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tenantMappings(slug) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tenantDetail(slug) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants }),
      ]);
      toast.success(`Mapping of “${updated.subject}” to ${updated.role.name} updated.`);
      onClose();
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  useEffect(() => onBusyChange(update.isPending), [update.isPending, onBusyChange]);

  const expiryChanged = expiry !== toLocalInputValue(base.expiresAt);
  const noteChanged = note !== base.note;
  const expiresAt = fromLocalInputValue(expiry);

  const submit = (form: HTMLFormElement) => {
    // Only what changed is sent: an expired mapping keeps its past expiry when just the note changes.
    const input = {
      version: base.version,
      ...(noteChanged ? { note } : {}),
      ...(expiryChanged ? { expiresAt: expiry ? (expiresAt ?? expiry) : null } : {}),
    };
    const result = validate(updateMappingSchema, input);
    const fieldErrors: FieldErrors = { ...(result.errors ?? {}) };
    if (expiryChanged && expiresAt && new Date(expiresAt) <= new Date()) {
      fieldErrors.expiresAt = ["The expiry must be in the future; remove the mapping to end access now."];
    }
    const hasErrors = Object.keys(fieldErrors).length > 0;
    setErrors(hasErrors ? fieldErrors : null);
    if (!hasErrors && result.data) update.mutate(result.data);
    else focusFirstError(form);
  };

  const conflictCurrent =
    update.error instanceof ApiError && update.error.isConflict && isMappingRow(update.error.current)
      ? update.error.current
      : null;

  const reload = () => {
    if (conflictCurrent) {
      setBase(conflictCurrent);
      setExpiry(toLocalInputValue(conflictCurrent.expiresAt));
      setNote(conflictCurrent.note);
    }
    setErrors(null);
    update.reset();
    void queryClient.invalidateQueries({ queryKey: queryKeys.tenantMappings(slug) });
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
      <dl className="facts">
        <dt>{base.subjectType === "GROUP" ? "IAM role" : "Client"}</dt>
        <dd>
          <span className="chip">{base.subject}</span>
        </dd>
        <dt>Role</dt>
        <dd>
          {base.role.name} <ScopeBadge scope={base.role.scope} />
        </dd>
      </dl>
      <p className="small muted">To change who or which role, remove this mapping and add a new one.</p>
      <Field
        id="edit-expiry"
        label="Expires"
        optional
        hint={
          expiresAt
            ? `Your local time (${localOffsetLabel()}): access ends ${formatDateTime(expiresAt)}. Clear the field for no end.`
            : `Your local time (${localOffsetLabel()}). Empty: access without an end.`
        }
        errors={errorsFor(errors, "expiresAt")}
      >
        {(props) => (
          <div className="row nowrap-row">
            <input
              {...props}
              type="datetime-local"
              className="input"
              value={expiry}
              data-autofocus=""
              onChange={(event) => setExpiry(event.target.value)}
            />
            {expiry && (
              <button type="button" className="button ghost small" onClick={() => setExpiry("")}>
                No expiry
              </button>
            )}
          </div>
        )}
      </Field>
      <Field id="edit-note" label="Note" optional errors={errorsFor(errors, "note")}>
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
      {update.isError && (
        <ErrorAlert error={update.error} onReload={reload}>
          {conflictCurrent && (
            <p className="small">
              Now: expires{" "}
              <strong>
                {conflictCurrent.expiresAt ? formatDateTime(conflictCurrent.expiresAt) : "never"}
              </strong>
              , note <strong>{conflictCurrent.note ? `“${conflictCurrent.note}”` : "(none)"}</strong>. Reload
              to edit the current values; your changes are not applied.
            </p>
          )}
        </ErrorAlert>
      )}
      <div className="dialog-footer">
        <button type="button" className="button secondary" onClick={onClose} disabled={update.isPending}>
          Cancel
        </button>
        <BusyButton
          type="submit"
          busy={update.isPending}
          busyLabel="Saving…"
          disabled={!expiryChanged && !noteChanged}
        >
          Save changes
        </BusyButton>
      </div>
    </form>
  );
}
