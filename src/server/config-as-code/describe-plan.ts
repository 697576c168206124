import type { ConfigPlan, TenantPlan } from "./config-plan.types";

const SHOWN = 50;

/** A plan as plain text, like a diff: + added, - removed, ~ changed, then the problems (CLI output). */
export function describePlan(plan: ConfigPlan): string {
  const lines: string[] = [];
  for (const tenant of plan.tenants) lines.push(...describeTenant(tenant), "");
  const { added, removed, changed, errors, warnings } = plan.counts;
  lines.push(
    `Plan: ${added} to add, ${removed} to remove, ${changed} to change; ${errors} error(s), ${warnings} warning(s).`,
  );
  return `${lines.join("\n")}\n`;
}

function describeTenant(tenant: TenantPlan): string[] {
  const base = tenant.baseRevision === null ? "new" : `revision ${tenant.baseRevision}`;
  const lines = [`${tenant.slug} (${tenant.action}, ${base})`];
  if (tenant.tenant.name) lines.push(`  ~ name: ${tenant.tenant.name.from} → ${tenant.tenant.name.to}`);
  if (tenant.tenant.status)
    lines.push(`  ~ status: ${tenant.tenant.status.from} → ${tenant.tenant.status.to}`);
  const entries = [
    ...tenant.roles.added.map(
      (role) => `  + role ${role.key} (${role.scope}): ${role.permissions.join(", ")}`,
    ),
    ...tenant.roles.removed.map((role) => `  - role ${role.key} (${role.scope})`),
    ...tenant.roles.changed.map(
      (role) =>
        `  ~ role ${role.key}${role.name ? ` name → ${role.name.to}` : ""}${role.permissionsAdded.length ? ` +${role.permissionsAdded.join(" +")}` : ""}${role.permissionsRemoved.length ? ` -${role.permissionsRemoved.join(" -")}` : ""}`,
    ),
    ...tenant.mappings.added.map(
      (mapping) =>
        `  + ${mapping.subjectType} ${JSON.stringify(mapping.subject)} → ${mapping.role} (${mapping.scope})`,
    ),
    ...tenant.mappings.removed.map(
      (mapping) =>
        `  - ${mapping.subjectType} ${JSON.stringify(mapping.subject)} → ${mapping.role} (${mapping.scope})`,
    ),
    ...tenant.mappings.changed.map(
      (mapping) =>
        `  ~ ${mapping.subjectType} ${JSON.stringify(mapping.subject)} → ${mapping.role}${mapping.note ? ` note ${JSON.stringify(mapping.note.to)}` : ""}${mapping.expiresAt ? ` expires ${mapping.expiresAt.to ?? "never"}` : ""}`,
    ),
  ];
  lines.push(...entries.slice(0, SHOWN));
  if (entries.length > SHOWN) lines.push(`  … and ${entries.length - SHOWN} more`);
  for (const problem of tenant.problems) {
    lines.push(
      `  ${problem.severity === "error" ? "ERROR" : "warning"}: ${problem.path ? `${problem.path}: ` : ""}${problem.message}`,
    );
  }
  return lines;
}
