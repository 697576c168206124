"use client";

import type { ConfigMapping, ConfigRole } from "@/server/config-as-code/config-document.types";
import type {
  MappingChange,
  RoleChange,
  TenantDiff,
  TenantPlan,
} from "@/server/config-as-code/config-plan.types";
import { plural } from "../format";

const SHOWN = 100;

/** One tenant's plan: what is added, removed and changed, and the problems that block or warn. */
export function TenantPlanView({ plan }: { plan: TenantPlan }) {
  const errors = plan.problems.filter((problem) => problem.severity === "error");
  const warnings = plan.problems.filter((problem) => problem.severity === "warning");
  return (
    <section className="card stack plan-tenant" aria-label={`Plan for ${plan.slug}`}>
      <div className="row plan-tenant-header">
        <h2 className="plan-title">
          {plan.name} <span className="muted mono small">{plan.slug}</span>
        </h2>
        <span className={`badge ${plan.action === "unchanged" ? "" : "accent"}`}>
          {plan.action === "create"
            ? "new organisation"
            : plan.action === "update"
              ? "changes"
              : "no changes"}
        </span>
        <span className="muted small">
          {plan.baseRevision === null ? "not in the database yet" : `based on revision ${plan.baseRevision}`}
        </span>
      </div>
      {errors.length > 0 && (
        <div className="alert danger" role="alert">
          <strong>{plural(errors.length, "problem")} block this plan</strong>
          <ul className="plain-list problem-list">
            {errors.map((problem, index) => (
              <li key={index}>
                {problem.message}
                {problem.path && <span className="mono tiny muted"> · {problem.path}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {warnings.length > 0 && (
        <div className="alert warn">
          <strong>Check before applying</strong>
          <ul className="plain-list problem-list">
            {warnings.map((problem, index) => (
              <li key={index}>{problem.message}</li>
            ))}
          </ul>
        </div>
      )}
      <DiffView diff={plan} />
    </section>
  );
}

/** The changes of a plan, or between two revisions. */
export function DiffView({ diff }: { diff: TenantDiff }) {
  const rows: { kind: "added" | "removed" | "changed"; what: string; detail: string }[] = [
    ...(diff.tenant.name
      ? [
          {
            kind: "changed" as const,
            what: "Name",
            detail: `${diff.tenant.name.from} → ${diff.tenant.name.to}`,
          },
        ]
      : []),
    ...(diff.tenant.status
      ? [
          {
            kind: "changed" as const,
            what: "Status",
            detail: `${diff.tenant.status.from} → ${diff.tenant.status.to}`,
          },
        ]
      : []),
    ...diff.roles.added.map((role) => ({
      kind: "added" as const,
      what: roleLabel(role),
      detail: permissionsText(role.permissions),
    })),
    ...diff.roles.removed.map((role) => ({
      kind: "removed" as const,
      what: roleLabel(role),
      detail: permissionsText(role.permissions),
    })),
    ...diff.roles.changed.map((change) => ({
      kind: "changed" as const,
      what: roleLabel(change),
      detail: roleChangeText(change),
    })),
    ...diff.mappings.added.map((mapping) => ({
      kind: "added" as const,
      what: mappingLabel(mapping),
      detail: mappingDetail(mapping),
    })),
    ...diff.mappings.removed.map((mapping) => ({
      kind: "removed" as const,
      what: mappingLabel(mapping),
      detail: mappingDetail(mapping),
    })),
    ...diff.mappings.changed.map((change) => ({
      kind: "changed" as const,
      what: mappingLabel(change),
      detail: mappingChangeText(change),
    })),
  ];
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const row of rows) counts[row.kind] += 1;
  if (rows.length === 0) return <p className="muted">Nothing changes.</p>;
  return (
    <div className="stack-tight">
      <p className="plan-counts">
        <span className="diff-added">+{counts.added} added</span> ·{" "}
        <span className="diff-removed">−{counts.removed} removed</span> ·{" "}
        <span className="diff-changed">~{counts.changed} changed</span>
      </p>
      <div className="table-scroll">
        <table className="data diff-table">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">What</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN).map((row, index) => (
              <tr key={index} className={`diff-row diff-${row.kind}`}>
                <td className="nowrap">
                  <span className={`diff-${row.kind}`}>
                    {row.kind === "added" ? "+ add" : row.kind === "removed" ? "− remove" : "~ change"}
                  </span>
                </td>
                <td className="diff-what">{row.what}</td>
                <td className="diff-detail small">{row.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > SHOWN && (
        <p className="muted small">
          … and {(rows.length - SHOWN).toLocaleString("en")} more changes (the CLI&apos;s <code>plan</code>{" "}
          lists them all).
        </p>
      )}
    </div>
  );
}

function roleLabel(role: Pick<ConfigRole, "key" | "scope">): string {
  return `Role ${role.key} (${role.scope === "global" ? "global template" : "organisation role"})`;
}

function permissionsText(permissions: string[]): string {
  return permissions.length === 0 ? "no permissions" : permissions.join(", ");
}

function roleChangeText(change: RoleChange): string {
  const parts = [];
  if (change.name) parts.push(`name “${change.name.from}” → “${change.name.to}”`);
  if (change.description) parts.push("description changed");
  if (change.permissionsAdded.length) parts.push(`grants ${change.permissionsAdded.join(", ")}`);
  if (change.permissionsRemoved.length)
    parts.push(`no longer grants ${change.permissionsRemoved.join(", ")}`);
  return parts.join("; ");
}

function mappingLabel(mapping: Pick<ConfigMapping, "subjectType" | "subject" | "role">): string {
  return `${mapping.subjectType === "GROUP" ? "IAM role" : "Client"} “${mapping.subject}” → ${mapping.role}`;
}

function mappingDetail(mapping: ConfigMapping): string {
  const parts = [];
  if (mapping.expiresAt) parts.push(`expires ${mapping.expiresAt.slice(0, 16).replace("T", " ")} UTC`);
  if (mapping.note) parts.push(`note “${mapping.note}”`);
  return parts.join("; ");
}

function mappingChangeText(change: MappingChange): string {
  const parts = [];
  if (change.note) parts.push(`note “${change.note.from}” → “${change.note.to}”`);
  if (change.expiresAt)
    parts.push(
      `expiry ${change.expiresAt.from?.slice(0, 16).replace("T", " ") ?? "never"} → ${change.expiresAt.to?.slice(0, 16).replace("T", " ") ?? "never"}`,
    );
  return parts.join("; ");
}
