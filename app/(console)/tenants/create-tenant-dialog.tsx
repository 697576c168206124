"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/components/api";
import { queryKeys, type TenantSummary } from "@/components/console-data";
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
import { toast } from "@/components/toast";
import { createTenantSchema } from "@/server/tenants/tenant.types";

/** A slug proposed from the name, until the administrator types their own. */
function slugFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

export function CreateTenantDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [id, setId] = useState("");
  const [errors, setErrors] = useState<FieldErrors | null>(null);

  const reset = () => {
    setName("");
    setSlug("");
    setSlugEdited(false);
    setId("");
    setErrors(null);
    create.reset();
  };

  const create = useMutation({
    mutationFn: (input: { id?: string; slug: string; name: string }) =>
      api.post<TenantSummary>("/api/console/tenants", input),
    onSuccess: async (tenant) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.tenants });
      toast.success(`Organisation “${tenant.name}” created.`);
      reset();
      onClose();
      router.push(`/tenants/${tenant.slug}`);
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const submit = (form: HTMLFormElement) => {
    const input = { slug, name, ...(id.trim() ? { id: id.trim() } : {}) };
    const result = validate(createTenantSchema, input);
    setErrors(result.errors);
    if (result.data) create.mutate(result.data);
    else focusFirstError(form);
  };

  const close = () => {
    if (create.isPending) return;
    reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      busy={create.isPending}
      title="New organisation"
      description="Creates an empty organisation. Next, map your administrators' IAM group to a role in it."
    >
      <form
        noValidate
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit(event.currentTarget);
        }}
      >
        <Field
          id="tenant-name"
          label="Name"
          hint="Shown in the console; you can rename it later."
          errors={errorsFor(errors, "name")}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              value={name}
              data-autofocus=""
              autoComplete="off"
              maxLength={200}
              onChange={(event) => {
                setName(event.target.value);
                if (!slugEdited) setSlug(slugFromName(event.target.value));
              }}
            />
          )}
        </Field>
        <Field
          id="tenant-slug"
          label="Slug"
          hint={
            <>
              2–63 lower-case letters, digits and dashes. <strong>It cannot be changed later</strong>: it is
              part of the console&apos;s URLs, of token requests (<code>tenant={slug || "acme"}</code>) and of
              the <code>tenant</code> claim in app tokens.
            </>
          }
          errors={errorsFor(errors, "slug")}
        >
          {(props) => (
            <input
              {...props}
              className="input mono"
              value={slug}
              autoComplete="off"
              spellCheck={false}
              maxLength={63}
              onChange={(event) => {
                setSlug(event.target.value);
                setSlugEdited(true);
              }}
            />
          )}
        </Field>
        <Field
          id="tenant-id"
          label="Organisation id"
          optional
          hint="A UUID. If the platform's core already has this organisation, use the id your platform already uses: app tokens carry it as organisationId. Leave empty to generate one. It cannot be changed later."
          errors={errorsFor(errors, "id")}
        >
          {(props) => (
            <input
              {...props}
              className="input mono"
              value={id}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. 7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01"
              onChange={(event) => setId(event.target.value)}
            />
          )}
        </Field>
        {create.isError && <ErrorAlert error={create.error} title="Not created." />}
        <div className="dialog-footer">
          <button type="button" className="button secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </button>
          <BusyButton type="submit" busy={create.isPending} busyLabel="Creating…">
            Create organisation
          </BusyButton>
        </div>
      </form>
    </Dialog>
  );
}
