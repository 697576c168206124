import Link from "next/link";
import { auditDiff } from "@/components/audit/audit-diff";
import { VerifyIntegrity } from "@/components/audit/verify-integrity";
import { DateTime } from "@/components/date-time";
import type { ActivityEntry, AuditEntry } from "@/server/audit/audit-log.types";
import { FILTER_FIELDS, type AuditViewData, type FilterField } from "@/server/audit/load-audit-view";

const LABELS: Record<FilterField, string> = {
  actor: "Actor",
  action: "Action",
  target: "Target",
  from: "From",
  to: "To",
  q: "Search",
};

const HINTS: Record<"changes" | "activity", Partial<Record<FilterField, string>>> = {
  changes: {
    actor: "User id or exact name",
    target: "Target id or type",
    q: "Any text, also in before/after",
  },
  activity: { actor: "Subject or client id", target: "Error code", action: "Kind or result", q: "Any text" },
};

function href(base: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

function Diff({ entry }: { entry: AuditEntry }) {
  const lines = auditDiff(entry.before, entry.after);
  if (lines.length === 0) return <span className="muted small">No field changes recorded.</span>;
  return (
    <dl className="audit-diff">
      {lines.map((line) => (
        <div key={line.field} className={`audit-diff-line ${line.kind}`}>
          <dt>{line.field}</dt>
          <dd>
            {line.before !== undefined && (
              <del aria-label={`before: ${line.before}`}>{line.before === "" ? "(empty)" : line.before}</del>
            )}
            {line.kind === "changed" && <span aria-hidden="true"> → </span>}
            {line.after !== undefined && (
              <ins aria-label={`after: ${line.after}`}>{line.after === "" ? "(empty)" : line.after}</ins>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ChangesTable({ entries, showTenant }: { entries: AuditEntry[]; showTenant: boolean }) {
  return (
    <table className="data audit-table">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          {showTenant && <th scope="col">Organisation</th>}
          <th scope="col">Before → after</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td>
              <DateTime iso={entry.at} />
              <div className="tiny muted">#{entry.id}</div>
            </td>
            <td className="audit-actor">
              <strong>{entry.actor.name || entry.actor.sub}</strong>
              <div className="tiny muted">
                {entry.actor.type.toLowerCase()} · <span className="mono">{entry.actor.sub}</span>
              </div>
              {entry.ip && <div className="tiny muted mono">{entry.ip}</div>}
            </td>
            <td>
              <code>{entry.action}</code>
            </td>
            <td className="audit-target">
              {entry.targetType}
              {entry.targetId && (
                <div className="tiny mono" title={entry.targetId}>
                  {entry.targetId}
                </div>
              )}
            </td>
            {showTenant && <td>{entry.tenantSlug ?? (entry.tenantId ? "(deleted)" : "—")}</td>}
            <td className="audit-changes">
              <Diff entry={entry} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActivityTable({ entries, showTenant }: { entries: ActivityEntry[]; showTenant: boolean }) {
  return (
    <table className="data audit-table">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Kind</th>
          <th scope="col">Subject or client</th>
          {showTenant && <th scope="col">Organisation</th>}
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td>
              <DateTime iso={entry.at} />
            </td>
            <td>
              <code>{entry.kind}</code>
            </td>
            <td className="mono small audit-target">{entry.subject || entry.clientId || "—"}</td>
            {showTenant && <td>{entry.tenantSlug ?? "—"}</td>}
            <td>
              <span
                className={`badge ${entry.result === "ok" ? "ok" : entry.result === "denied" ? "warn" : "danger"}`}
              >
                {entry.result}
              </span>
              {entry.errorCode && <div className="tiny mono">{entry.errorCode}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The audit log (changes and security events) and machine activity, with filters, export and paging. */
export function AuditLogView({
  data,
  basePath,
  tenantSlug,
}: {
  data: AuditViewData;
  basePath: string;
  tenantSlug?: string;
}) {
  const view = data.view === "activity" ? "activity" : undefined;
  const filterParams = { ...data.filters, view };
  const fieldErrors = (data.error?.fieldErrors ?? {}) as Record<string, string[]>;
  const exportBase = `/api/console/${data.view === "activity" ? "activity" : "audit"}/export`;
  const exportParams = { ...data.filters, tenant: tenantSlug };
  const entries = data.page?.entries ?? [];
  const showTenant = tenantSlug === undefined;
  const filtered = Object.keys(data.filters).length > 0;

  return (
    <div className="stack audit-log">
      <div className="row audit-toolbar">
        <nav className="segmented" aria-label="Log">
          <Link
            className={`segment${data.view === "changes" ? " selected" : ""}`}
            aria-current={data.view === "changes" ? "page" : undefined}
            href={href(basePath, { ...data.filters })}
          >
            Changes and security events
          </Link>
          <Link
            className={`segment${data.view === "activity" ? " selected" : ""}`}
            aria-current={data.view === "activity" ? "page" : undefined}
            href={href(basePath, { ...data.filters, view: "activity" })}
          >
            Machine activity
          </Link>
        </nav>
        <div className="row audit-exports">
          <a
            className="button secondary small"
            href={href(exportBase, { ...exportParams, format: "csv" })}
            download
          >
            Export CSV
          </a>
          <a
            className="button secondary small"
            href={href(exportBase, { ...exportParams, format: "jsonl" })}
            download
          >
            Export JSON lines
          </a>
          {data.mayVerify && <VerifyIntegrity />}
        </div>
      </div>

      <form className="card audit-filters" method="get" action={basePath} aria-label="Filters">
        {view && <input type="hidden" name="view" value={view} />}
        {FILTER_FIELDS.map((field) => {
          const errors = fieldErrors[field] ?? [];
          const hint = HINTS[data.view][field];
          return (
            <div className="field" key={field}>
              <label htmlFor={`audit-${field}`}>{LABELS[field]}</label>
              <input
                id={`audit-${field}`}
                name={field}
                className="input"
                type={field === "from" || field === "to" ? "date" : field === "q" ? "search" : "text"}
                defaultValue={data.filters[field] ?? ""}
                list={field === "action" ? "audit-actions" : undefined}
                aria-invalid={errors.length > 0 ? true : undefined}
                aria-describedby={
                  errors.length > 0 ? `audit-${field}-error` : hint ? `audit-${field}-hint` : undefined
                }
                autoComplete="off"
              />
              {errors.length > 0 ? (
                <p className="field-error" id={`audit-${field}-error`}>
                  {errors[0]}
                </p>
              ) : (
                hint && (
                  <p className="field-hint" id={`audit-${field}-hint`}>
                    {hint}
                  </p>
                )
              )}
            </div>
          );
        })}
        <datalist id="audit-actions">
          {data.actionSuggestions.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <div className="row audit-filter-actions">
          <button type="submit" className="button small">
            Apply filters
          </button>
          {filtered && (
            <Link className="button ghost small" href={href(basePath, { view })}>
              Clear
            </Link>
          )}
        </div>
      </form>

      {data.error && (
        <div className="alert danger" role="alert">
          {data.error.message}
        </div>
      )}

      {data.page && entries.length === 0 && (
        <div className="empty">
          <h2>{filtered ? "Nothing matches these filters" : "Nothing recorded yet"}</h2>
          <p>
            {data.view === "activity"
              ? "Token exchanges and machine-API calls appear here within a second or two."
              : "Every change and security event is recorded here, with who did it and when."}
          </p>
        </div>
      )}

      {entries.length > 0 && (
        <section className="card audit-results" aria-labelledby="audit-results-title">
          <h2 id="audit-results-title" className="visually-hidden">
            {data.view === "activity" ? "Machine activity" : "Audit entries"}
          </h2>
          <div className="table-scroll" role="region" aria-labelledby="audit-results-title" tabIndex={0}>
            {data.view === "activity" && data.page ? (
              <ActivityTable entries={data.page.entries as ActivityEntry[]} showTenant={showTenant} />
            ) : (
              <ChangesTable entries={entries as AuditEntry[]} showTenant={showTenant} />
            )}
          </div>
          <nav className="pager audit-pager" aria-label="Pages">
            <span className="muted small">
              {entries.length} entr{entries.length === 1 ? "y" : "ies"}, newest first
            </span>
            <div className="row">
              {data.cursor && (
                <Link className="button ghost small" href={href(basePath, filterParams)}>
                  Newest
                </Link>
              )}
              {data.page?.nextCursor && (
                <Link
                  className="button secondary small"
                  href={href(basePath, { ...filterParams, cursor: data.page.nextCursor })}
                >
                  Older entries →
                </Link>
              )}
            </div>
          </nav>
        </section>
      )}
    </div>
  );
}
