import type { Metadata } from "next";
import Link from "next/link";
import { requireConsolePage } from "@/server/auth/require-permission";
import { ActivityPanel } from "@/components/activity/activity-panel";
import { getActivitySummary } from "@/server/activity/get-activity-summary";
import { resolveReadScope } from "@/server/audit/list-audit-events";
import { getDashboard } from "@/server/dashboard/get-dashboard";
import { getDb } from "@/server/db/client";

export const metadata: Metadata = { title: "Dashboard" };

const icons = { done: "✓", todo: "", failed: "!" } as const;
const stateLabels = { done: "Done", todo: "To do", failed: "Problem" } as const;

function ClaimList({ label, values }: { label: string; values: string[] }) {
  return (
    <div>
      <h3>{label}</h3>
      {values.length === 0 ? (
        <p className="muted small">None received.</p>
      ) : (
        <ul className="chips" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {values.map((value) => (
            <li key={value} className="chip">
              {value}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const range = (await searchParams).activity === "14d" ? "14d" : "24h";
  const db = getDb();
  const [{ checklist, recent }, activity] = await Promise.all([
    getDashboard(context),
    resolveReadScope(db, context, undefined).then((scope) => getActivitySummary(db, scope, range)),
  ]);
  const remaining = checklist.filter((item) => item.state !== "done").length;

  return (
    <>
      <div className="page-header">
        <h1>Welcome, {context.identity.name}</h1>
        <p>
          Decide which IAM groups and technical clients get which roles and permissions in each organisation.
          The STS reads these mappings when it exchanges an IAM token for an app token.
        </p>
      </div>
      <div className="grid grid-2">
        <section className="card" aria-labelledby="checklist-title">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h2 id="checklist-title">Bootstrap checklist</h2>
            <span className={`badge ${remaining === 0 ? "ok" : "warn"}`}>
              {remaining === 0 ? "All set" : `${remaining} step${remaining === 1 ? "" : "s"} left`}
            </span>
          </div>
          <ol className="checklist">
            {checklist.map((item) => (
              <li key={item.id}>
                <span
                  className={`check-icon ${item.state === "failed" ? "fail" : item.state}`}
                  aria-hidden="true"
                >
                  {icons[item.state]}
                </span>
                <div>
                  <strong>{item.title}</strong>
                  <span className="visually-hidden"> — {stateLabels[item.state]}</span>
                  <div className="muted small">{item.detail}</div>
                </div>
                {item.href && (
                  <Link
                    className={item.state === "done" ? "button ghost small" : "button secondary small"}
                    href={item.href}
                    aria-label={`${item.state === "done" ? "View" : "Open"}: ${item.title}`}
                  >
                    {item.state === "done" ? "View" : "Open"}
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </section>
        <section className="card stack" aria-labelledby="you-title">
          <h2 id="you-title">Your sign-in</h2>
          <p className="muted small" style={{ margin: 0 }}>
            {context.isBootstrapAdmin
              ? "Your role claim holds the bootstrap role: you administer every organisation in this console."
              : "Your access comes from the groups below, mapped in your organisations."}
          </p>
          <ClaimList label="Roles received" values={context.identity.roles} />
          <ClaimList label="Groups received" values={context.identity.groups} />
        </section>
      </div>
      <div style={{ marginTop: 16 }}>
        <ActivityPanel summary={activity} basePath="/" auditPath="/audit" />
      </div>
      <section className="card" style={{ marginTop: 16 }} aria-labelledby="recent-title">
        <h2 id="recent-title">Recent changes</h2>
        {recent.length === 0 ? (
          <p className="muted">
            No administrative changes yet. Every change will appear here with who made it and when.
          </p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="recent-title" tabIndex={0}>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Target</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((change) => (
                  <tr key={change.id}>
                    <td>
                      <time dateTime={change.at.toISOString()}>
                        {change.at.toISOString().replace("T", " ").slice(0, 19)} UTC
                      </time>
                    </td>
                    <td>{change.actorName}</td>
                    <td>
                      <code>{change.action}</code>
                    </td>
                    <td className="small">
                      {change.targetType} {change.targetId && <code>{change.targetId}</code>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
