"use client";

import Link from "next/link";
import { useEffect, useId, useRef } from "react";
import type { ClientWithSecret } from "@/components/console-data";
import { CopyButton } from "@/components/copy-button";

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A resolve call with the new credentials, ready to paste into a shell. */
export function curlExample(publicUrl: string, clientId: string, secret: string, tenant: string): string {
  const body = JSON.stringify({ tenant, groups: ["an-iam-group"] });
  return [
    `curl -sS -X POST ${shellQuote(`${publicUrl}/api/v1/resolve`)} \\`,
    `  -u ${shellQuote(`${clientId}:${secret}`)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join("\n");
}

/**
 * The secret of a client, right after it was created or rotated: the only time it is ever shown.
 * Focus lands on the secret (selected, ready to copy); the warning is its description.
 */
export function OneTimeSecret({
  result,
  publicUrl,
  exampleTenant,
  onDone,
}: {
  result: ClientWithSecret;
  publicUrl: string;
  /** The organisation slug used in the example: the client's own, or any for an all-organisations client. */
  exampleTenant: string;
  onDone: () => void;
}) {
  const { client, clientSecret } = result;
  const baseId = useId();
  const secretRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    secretRef.current?.focus();
    secretRef.current?.select();
  }, []);
  const curl = curlExample(publicUrl, client.clientId, clientSecret, exampleTenant);
  return (
    <div className="stack one-time-secret">
      <div id={`${baseId}-warning`} className="alert warn">
        <p className="alert-title">
          <strong>Copy the secret now: it will not be shown again.</strong>
        </p>
        <p className="small">
          The console keeps only a hash of it. Store it where the client runs (a secret manager, not a
          repository). If it is lost, rotate the secret to get a new one.
        </p>
      </div>
      <dl className="facts">
        <dt>Client id</dt>
        <dd>
          <span className="id-with-copy">
            <code>{client.clientId}</code>
            <CopyButton value={client.clientId} label="Copy the client id" />
          </span>
        </dd>
        <dt>Access</dt>
        <dd>
          {client.readAllTenants ? (
            "Read access to all organisations"
          ) : (
            <>
              Organisation <code>{client.tenant?.slug}</code>
            </>
          )}
        </dd>
      </dl>
      <div className="field">
        <label htmlFor={`${baseId}-secret`}>Client secret</label>
        <div className="secret-row">
          <textarea
            ref={secretRef}
            id={`${baseId}-secret`}
            className="input mono secret-value"
            readOnly
            rows={1}
            value={clientSecret}
            aria-describedby={`${baseId}-warning`}
            spellCheck={false}
            autoComplete="off"
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton value={clientSecret} label="Copy the client secret" />
        </div>
      </div>
      <div className="field">
        <span className="label-like" id={`${baseId}-curl-label`}>
          Try it: resolve an IAM group through the machine API
        </span>
        <pre
          className="code-block"
          role="region"
          aria-labelledby={`${baseId}-curl-label`}
          // Scrolls sideways on narrow screens: reachable by keyboard.
          tabIndex={0}
        >
          {curl}
        </pre>
        <div className="row">
          <CopyButton value={curl} label="Copy the curl example" />
          <span className="field-hint">
            Basic credentials; replace <code>an-iam-group</code> with a group name your identity provider
            sends.
          </span>
        </div>
      </div>
      {client.tenant && (
        <p className="small muted">
          To let this client obtain app tokens with <code>client_credentials</code>, give it a role in its
          organisation: <Link href={`/tenants/${client.tenant.slug}/mappings`}>Mappings</Link> → New access →
          Technical client <code>{client.clientId}</code>.
        </p>
      )}
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onDone}>
          I have stored the secret
        </button>
      </div>
    </div>
  );
}
