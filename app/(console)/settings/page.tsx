import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { getConfig } from "@/server/config";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const context = await requireConsolePage();
  if (!context.isBootstrapAdmin)
    return <ForbiddenNotice what="Settings are for the bootstrap administrator." />;
  const config = getConfig();
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
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
        <p>
          How the console talks to your identity provider. These values come from the environment (see
          README.md) and are shown read-only.
        </p>
      </div>
      <section className="card">
        <h2>Identity provider and claims</h2>
        <table className="data">
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
                <td>
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
