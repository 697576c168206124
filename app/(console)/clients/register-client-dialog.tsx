"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api } from "@/components/api";
import { queryKeys, type ClientWithSecret, type TenantSummary } from "@/components/console-data";
import { BusyButton, Dialog } from "@/components/dialog";
import { ErrorAlert } from "@/components/error-alert";
import {
  Field,
  errorsFor,
  focusFirstError,
  serverFieldErrors,
  validate,
  type FieldErrors,
} from "@/components/field";
import { toast } from "@/components/toast";
import { registerClientSchema } from "@/server/clients/client.types";
import { OneTimeSecret } from "./one-time-secret";

type Scope = "tenant" | "all";

/** The id of a client's cell in the clients table (a focus target once its buttons are gone). */
export function clientAnchor(clientId: string): string {
  return `client-${clientId}`;
}

export function RegisterClientDialog({
  open,
  onClose,
  tenants,
  isBootstrapAdmin,
  publicUrl,
}: {
  open: boolean;
  onClose: () => void;
  /** Organisations where the user may register a client (STS_IAM_ROLE_CREATE there). */
  tenants: TenantSummary[];
  isBootstrapAdmin: boolean;
  publicUrl: string;
}) {
  const queryClient = useQueryClient();
  const onlyTenant = tenants.length === 1 ? (tenants[0]?.slug ?? "") : "";
  const [clientId, setClientId] = useState("");
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("tenant");
  const [tenant, setTenant] = useState(onlyTenant);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [registered, setRegistered] = useState<ClientWithSecret | null>(null);
  // After the first client, the empty state's Register button (the opener) is gone: focus the new row.
  const lastRegistered = useRef<string | null>(null);

  const register = useMutation({
    mutationFn: (input: unknown) => api.post<ClientWithSecret>("/api/console/clients", input),
    onSuccess: (result) => {
      lastRegistered.current = result.client.clientId;
      setRegistered(result);
      void queryClient.invalidateQueries({ queryKey: queryKeys.clients });
      toast.success(`Technical client “${result.client.clientId}” registered.`);
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const reset = () => {
    setClientId("");
    setName("");
    setScope("tenant");
    setTenant(onlyTenant);
    setErrors(null);
    setRegistered(null);
    register.reset();
  };

  const close = () => {
    if (register.isPending) return;
    reset();
    onClose();
  };

  const submit = (form: HTMLFormElement) => {
    const input =
      scope === "all"
        ? { clientId, name, readAllTenants: true }
        : { clientId, name, readAllTenants: false, ...(tenant ? { tenant } : {}) };
    const result = validate(registerClientSchema, input);
    if (result.errors && scope === "tenant" && !tenant) {
      result.errors.tenant = ["Choose the organisation this client belongs to."];
    }
    setErrors(result.errors);
    if (result.data) register.mutate(result.data);
    else focusFirstError(form);
  };

  const exampleTenant = registered?.client.tenant?.slug ?? tenants[0]?.slug ?? "your-organisation";

  return (
    <Dialog
      open={open}
      onClose={close}
      busy={register.isPending}
      size={registered ? "lg" : "md"}
      fallbackFocus={() =>
        lastRegistered.current ? document.getElementById(clientAnchor(lastRegistered.current)) : null
      }
      title={registered ? `Client “${registered.client.clientId}” registered` : "Register a technical client"}
      description={
        registered
          ? undefined
          : "A machine user with its own secret, for an STS or a script that reads mappings, or a service that obtains app tokens with client_credentials."
      }
    >
      {registered ? (
        <OneTimeSecret
          result={registered}
          publicUrl={publicUrl}
          exampleTenant={exampleTenant}
          onDone={close}
        />
      ) : (
        <form
          noValidate
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            submit(event.currentTarget);
          }}
        >
          <Field
            id="client-id"
            label="Client id"
            hint="3–100 letters, digits, dots, dashes or underscores. The user name in its Basic credentials and the subject of its CLIENT mappings; it cannot be changed."
            errors={errorsFor(errors, "clientId")}
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={clientId}
                data-autofocus=""
                autoComplete="off"
                spellCheck={false}
                maxLength={100}
                placeholder="e.g. core-sts-prod"
                onChange={(event) => setClientId(event.target.value)}
              />
            )}
          </Field>
          <Field
            id="client-name"
            label="Name"
            hint="What it is and who runs it, e.g. “Core STS (production)”."
            errors={errorsFor(errors, "name")}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                value={name}
                autoComplete="off"
                maxLength={200}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          {isBootstrapAdmin && (
            <fieldset>
              <legend>Access</legend>
              <div className="segmented">
                {(
                  [
                    ["tenant", "One organisation"],
                    ["all", "Read access to all organisations"],
                  ] as const
                ).map(([value, label]) => (
                  <label key={value} className={scope === value ? "segment selected" : "segment"}>
                    <input
                      type="radio"
                      name="client-scope"
                      value={value}
                      checked={scope === value}
                      onChange={() => setScope(value)}
                    />
                    {label}
                  </label>
                ))}
              </div>
              {scope === "all" && (
                <p className="field-hint" style={{ marginTop: 6 }}>
                  For an STS that reads every organisation&apos;s mappings (resolve and snapshots). It cannot
                  change anything, and it gets no app tokens unless it is also mapped in an organisation.
                </p>
              )}
            </fieldset>
          )}
          {scope === "tenant" && (
            <Field
              id="client-tenant"
              label="Organisation"
              hint="The client reads this organisation's mappings; CLIENT mappings here give it roles in app tokens."
              errors={errorsFor(errors, "tenant")}
            >
              {(props) => (
                <select
                  {...props}
                  className="select"
                  value={tenant}
                  onChange={(event) => setTenant(event.target.value)}
                >
                  <option value="">Choose an organisation…</option>
                  {tenants.map((option) => (
                    <option key={option.id} value={option.slug}>
                      {option.name} ({option.slug}){option.status === "DISABLED" ? " — disabled" : ""}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {register.isError && <ErrorAlert error={register.error} title="Not registered." />}
          <div className="dialog-footer">
            <button type="button" className="button secondary" onClick={close} disabled={register.isPending}>
              Cancel
            </button>
            <BusyButton type="submit" busy={register.isPending} busyLabel="Registering…">
              Register client
            </BusyButton>
          </div>
        </form>
      )}
    </Dialog>
  );
}
