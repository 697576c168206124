import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Brand } from "@/components/brand";
import { SignOutButton } from "@/components/sign-out-button";
import { canUseConsole, getSessionState } from "@/server/auth/console-context";
import { getConfig } from "@/server/config";

export const metadata: Metadata = { title: "No access" };

function ValueList({ values, empty }: { values: string[]; empty: string }) {
  if (values.length === 0) return <span className="muted">{empty}</span>;
  return (
    <ul className="chips" style={{ listStyle: "none", margin: 0, padding: 0 }}>
      {values.map((value) => (
        <li key={value} className="chip">
          {value}
        </li>
      ))}
    </ul>
  );
}

export default async function NoAccessPage() {
  const session = await getSessionState();
  if (session.state !== "signed-in") redirect("/signin?callbackUrl=%2F");
  if (canUseConsole(session.context)) redirect("/");
  const { identity } = session.context;
  const config = getConfig();

  return (
    <main className="centered">
      <div className="panel" style={{ width: "min(680px, 100%)" }}>
        <Brand />
        <h1>No access to this console</h1>
        <p className="muted">
          You are signed in as <strong>{identity.name}</strong>, but none of the roles or groups your identity
          provider sent is mapped to console permissions in any organisation. Nothing is granted by default.
        </p>
        <div className="card stack" style={{ boxShadow: "none" }}>
          <h2>What the console received</h2>
          <dl className="facts">
            <dt>Subject</dt>
            <dd>
              <code>{identity.sub}</code>
            </dd>
            {identity.email && (
              <>
                <dt>Email</dt>
                <dd>{identity.email}</dd>
              </>
            )}
            <dt>
              Roles{" "}
              <span className="small">
                (claim <code>{config.STS_ROLE_PATH}</code>)
              </span>
            </dt>
            <dd>
              <ValueList values={identity.roles} empty="none received" />
            </dd>
            <dt>
              Groups{" "}
              <span className="small">
                (claim <code>{config.STS_GROUPS_PATH}</code>)
              </span>
            </dt>
            <dd>
              <ValueList values={identity.groups} empty="none received" />
            </dd>
          </dl>
        </div>
        <h2 style={{ marginTop: 20 }}>How to get access</h2>
        <ul className="small">
          <li>
            Ask an administrator to map one of the groups above to a role holding{" "}
            <code>STS_IAM_ROLE_LIST</code> (read) or the <code>STS_IAM_ROLE_*</code> change permissions in
            your organisation. Names must match exactly, including case and spaces.
          </li>
          <li>
            The console&apos;s bootstrap administrators carry the role{" "}
            <code>{config.STS_BOOTSTRAP_ROLE}</code> in the <code>{config.STS_ROLE_PATH}</code> claim.
          </li>
          <li>
            No groups at all? Check that the identity provider puts them in the token: the console asks for
            the scopes <code>{config.OIDC_SCOPES}</code> and reads <code>{config.STS_GROUPS_PATH}</code> from
            the{" "}
            {config.OIDC_CLAIMS_SOURCE === "both"
              ? "ID token and userinfo"
              : config.OIDC_CLAIMS_SOURCE.replace("_", " ")}
            .
          </li>
        </ul>
        <div className="row" style={{ marginTop: 16 }}>
          <SignOutButton className="button secondary" />
        </div>
      </div>
    </main>
  );
}
