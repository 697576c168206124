import Link from "next/link";
import type { ActivitySummary } from "@/server/activity/get-activity-summary";
import { formatDateTime } from "../format";
import { ActivityChart } from "./activity-chart";

const TOTALS = [
  { key: "signIns", label: "Sign-ins" },
  { key: "tokenExchanges", label: "Token exchanges" },
  { key: "denials", label: "Denials" },
  { key: "changes", label: "Changes" },
] as const;

/**
 * Activity at a glance: what an admin looks at first when "someone can't log in" — the chart, who was
 * refused most, and which groups arrived that map to nothing.
 */
export function ActivityPanel({
  summary,
  basePath,
  auditPath,
  unmappedTitle = "Recently seen, mapped nowhere",
}: {
  summary: ActivitySummary;
  basePath: string;
  auditPath: string;
  unmappedTitle?: string;
}) {
  const rangeLabel = summary.range === "24h" ? "last 24 hours, per hour" : "last 14 days, per day";
  return (
    <section className="card activity-panel" aria-labelledby="activity-title">
      <div className="row activity-header">
        <div>
          <h2 id="activity-title">Activity</h2>
          <p className="muted small">{rangeLabel} (UTC)</p>
        </div>
        <nav className="segmented" aria-label="Activity period">
          <Link
            className={`segment${summary.range === "24h" ? " selected" : ""}`}
            aria-current={summary.range === "24h" ? "true" : undefined}
            href={basePath}
            scroll={false}
          >
            24 hours
          </Link>
          <Link
            className={`segment${summary.range === "14d" ? " selected" : ""}`}
            aria-current={summary.range === "14d" ? "true" : undefined}
            href={`${basePath}?activity=14d`}
            scroll={false}
          >
            14 days
          </Link>
        </nav>
      </div>
      <dl className="activity-totals">
        {TOTALS.map((total) => (
          <div key={total.key} className={`activity-total ${total.key}`}>
            <dt>{total.label}</dt>
            <dd>{summary.totals[total.key].toLocaleString("en")}</dd>
          </div>
        ))}
      </dl>
      <ActivityChart buckets={summary.buckets} range={summary.range} />
      <div className="grid grid-2 activity-lists">
        <div>
          {/* Token-endpoint refusals are audited too (sts.token_denied), so the audit view holds them all. */}
          <h3>Refused most often</h3>
          {summary.topDenied.length === 0 ? (
            <p className="muted small">No denials in this period.</p>
          ) : (
            <ol className="plain-list activity-list">
              {summary.topDenied.map((denied) => (
                <li key={denied.subject}>
                  <Link className="mono" href={`${auditPath}?actor=${encodeURIComponent(denied.subject)}`}>
                    {denied.subject}
                  </Link>
                  <span className="muted small">
                    {denied.count.toLocaleString("en")}× · last {formatDateTime(denied.lastAt)}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h3>{unmappedTitle}</h3>
          {summary.recentlyUnmapped.length === 0 ? (
            <p className="muted small">Every group seen recently is mapped.</p>
          ) : (
            <ol className="plain-list activity-list">
              {summary.recentlyUnmapped.map((group) => (
                <li key={group.subject}>
                  <span className="mono">{group.subject}</span>
                  <span className="muted small">
                    seen {group.count.toLocaleString("en")}× · last {formatDateTime(group.lastSeenAt)}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
      {/* Tables ignore width/height, so the hiding wrapper is a div. */}
      <div className="visually-hidden">
        <table>
          <caption>Activity per {summary.range === "24h" ? "hour" : "day"} (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {TOTALS.map((total) => (
                <th key={total.key} scope="col">
                  {total.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {summary.buckets.map((bucket) => (
              <tr key={bucket.at}>
                <th scope="row">{formatDateTime(bucket.at)}</th>
                <td>{bucket.signIns}</td>
                <td>{bucket.tokenExchanges}</td>
                <td>{bucket.denials}</td>
                <td>{bucket.changes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
