import type { Metadata } from "next";
import type { ReactNode } from "react";
import { requireConsolePage } from "@/server/auth/require-permission";
import { CopyButton } from "@/components/copy-button";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { getConfig } from "@/server/config";
import { getDb } from "@/server/db/client";
import { listSigningKeys } from "@/server/keys/signing-keys";
import { SigningKeys } from "./signing-keys";

export const metadata: Metadata = { title: "Settings" };

function durationText(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600)
    return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"} (${seconds} s)`;
  if (seconds % 60 === 0 && seconds >= 60)
    return `${seconds / 60} minute${seconds === 60 ? "" : "s"} (${seconds} s)`;
  return `${seconds} seconds`;
}

function FactsTable({ facts }: { facts: [string, string, ReactNode][] }) {
  return (
    <table className="data settings-table">
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">Variable</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {facts.map(([label, variable, value]) => (
          <tr key={variable}>
            <td>{label}</td>
            <td>
              <code>{variable}</code>
            </td>
            <td>{typeof value === "string" ? <code>{value}</code> : value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const authModes = {
  STS: {
    badge: <span className="badge ok">STS</span>,
    text: "The machine API accepts IAM access tokens (Bearer) and registered technical clients (Basic).",
  },
  UNSAFE_STATIC: {
    badge: <span className="badge danger">UNSAFE_STATIC</span>,
    text: "The machine API accepts one shared static token (STS_STATIC_TOKEN) from anyone who has it. For trials only.",
  },
  UNSAFE_NONE: {
    badge: <span className="badge danger">UNSAFE_NONE</span>,
    text: "The machine API answers without any authentication: anyone who reaches it reads every organisation's mappings. For trials only.",
  },
} as const;

export default async function SettingsPage() {
  const context = await requireConsolePage();
  if (!context.isBootstrapAdmin)
    return <ForbiddenNotice what="Settings are for the bootstrap administrator." />;
  const config = getConfig();
  const keys = await listSigningKeys(getDb(), config);
  const facts: [string, string, string][] = [
    ["Issuer", "OIDC_ISSUER", config.OIDC_ISSUER],
    ["Client id", "OIDC_CLIENT_ID", config.OIDC_CLIENT_ID],
    ["Scopes", "OIDC_SCOPES", config.OIDC_SCOPES],
    ["Claims read from", "OIDC_CLAIMS_SOURCE", config.OIDC_CLAIMS_SOURCE],
    ["Role claim path", "STS_ROLE_PATH", config.STS_ROLE_PATH],
    ["Groups claim path", "STS_GROUPS_PATH", config.STS_GROUPS_PATH],
    [
      "String claim separator",
      "STS_CLAIM_SEPARATOR",
      config.STS_CLAIM_SEPARATOR ?? "(none: a string claim is one value)",
    ],
    ["Bootstrap role", "STS_BOOTSTRAP_ROLE", config.STS_BOOTSTRAP_ROLE],
    ["Session idle timeout", "STS_SESSION_IDLE_MINUTES", `${config.STS_SESSION_IDLE_MINUTES} minutes`],
    ["Session maximum age", "STS_SESSION_MAX_HOURS", `${config.STS_SESSION_MAX_HOURS} hours`],
    ["Public URL", "STS_PUBLIC_URL", config.STS_PUBLIC_URL],
  ];
  const authMode = authModes[config.STS_AUTH_MODE];
  const tokenFacts: [string, string, ReactNode][] = [
    ["App-token issuer (iss)", "STS_TOKEN_ISSUER", config.STS_TOKEN_ISSUER],
    ["App-token audience (aud)", "STS_TOKEN_AUDIENCE", config.STS_TOKEN_AUDIENCE],
    ["App-token lifetime", "STS_TOKEN_TTL_SECONDS", durationText(config.STS_TOKEN_TTL_SECONDS)],
    ["IAM-token issuer", "STS_IAM_ISSUER", config.STS_IAM_ISSUER],
    [
      "IAM-token audience",
      "STS_IAM_AUDIENCE",
      config.STS_IAM_AUDIENCE ? (
        <code>{config.STS_IAM_AUDIENCE}</code>
      ) : (
        <span className="danger-text">
          Not set: IAM access tokens are refused by the token exchange and the machine API.
        </span>
      ),
    ],
    ["Accepted IAM-token algorithms", "STS_IAM_ALGORITHMS", config.STS_IAM_ALGORITHMS.join(", ")],
    [
      "ID tokens accepted as subject tokens",
      "STS_ACCEPT_ID_TOKEN",
      config.STS_ACCEPT_ID_TOKEN ? "yes" : "no (access tokens only)",
    ],
    [
      "Machine API authentication",
      "STS_AUTH_MODE",
      <span key="mode" className="stack-tight">
        {authMode.badge}
        <span className="small">{authMode.text}</span>
      </span>,
    ],
    ["Key publish lead", "STS_JWKS_PUBLISH_LEAD", durationText(config.STS_JWKS_PUBLISH_LEAD)],
  ];
  const base = config.STS_PUBLIC_URL;
  const endpoints: [string, string, string][] = [
    ["Token endpoint (token exchange, client_credentials)", "POST", `${base}/api/sts/token/v1`],
    ["JWKS (app-token verification keys)", "GET", `${base}/.well-known/jwks.json`],
    ["Authorization server metadata", "GET", `${base}/.well-known/oauth-authorization-server`],
    ["Resolve groups or a client (read contract v1)", "POST", `${base}/api/v1/resolve`],
    ["Organisation snapshot (read contract v1)", "GET", `${base}/api/v1/tenants/{slug}/mappings`],
  ];

  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
        <p>
          How the console talks to your identity provider, how the STS issues app tokens, and the keys it
          signs them with. Configuration comes from the environment (see README.md) and is shown read-only;
          signing keys are managed here.
        </p>
      </div>
      <div className="stack">
        <section className="card" aria-labelledby="idp-title">
          <h2 id="idp-title">Identity provider and claims</h2>
          <FactsTable facts={facts} />
        </section>

        <section className="card stack" aria-labelledby="token-title">
          <div>
            <h2 id="token-title">Token service</h2>
            <p className="muted small">
              The STS exchanges IAM access tokens (RFC 8693) and technical clients&apos; credentials for app
              tokens signed with the active key below. The platform&apos;s core verifies them against the
              JWKS.
            </p>
          </div>
          <FactsTable facts={tokenFacts} />
          <div>
            <h3 id="endpoints-title">Endpoints</h3>
            <ul className="endpoint-list" aria-labelledby="endpoints-title">
              {endpoints.map(([label, method, url]) => (
                <li key={url}>
                  <span className="endpoint-label">{label}</span>
                  <span className="endpoint-url">
                    <span className="badge">{method}</span>
                    <code>{url}</code>
                    <CopyButton value={url} label={`Copy the URL of the ${label}`} />
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </section>

        <SigningKeys
          initial={{
            keys,
            publishLeadSeconds: config.STS_JWKS_PUBLISH_LEAD,
            tokenTtlSeconds: config.STS_TOKEN_TTL_SECONDS,
          }}
        />
      </div>
    </>
  );
}
