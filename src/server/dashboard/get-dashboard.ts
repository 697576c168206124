/** What the dashboard shows: the bootstrap checklist and the most recent administrative changes. */
import { SECURITY_ACTIONS } from "../audit/audit-actions";
import type { ConsoleContext } from "../auth/console-context";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { getIssuerMetadata } from "../auth/oidc-discovery";

export interface ChecklistItem {
  id: "idp" | "tenant" | "mapping" | "signing-key";
  title: string;
  state: "done" | "todo" | "failed";
  detail: string;
  href?: string;
}

export interface RecentChange {
  id: string;
  at: Date;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
}

export async function getDashboard(
  context: ConsoleContext,
): Promise<{ checklist: ChecklistItem[]; recent: RecentChange[] }> {
  const db = getDb();
  const config = getConfig();
  const visibleTenantIds = context.isBootstrapAdmin ? undefined : [...context.tenantPermissions.keys()];
  const tenantFilter = visibleTenantIds ? { id: { in: visibleTenantIds } } : {};

  const [idp, tenantCount, mappingCount, activeKey, recent] = await Promise.all([
    getIssuerMetadata().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    ),
    db.tenant.count({ where: tenantFilter }),
    db.mapping.count({ where: visibleTenantIds ? { tenantId: { in: visibleTenantIds } } : {} }),
    db.signingKey.findFirst({ where: { status: "ACTIVE" }, select: { kid: true, activatedAt: true } }),
    db.auditEvent.findMany({
      where: {
        action: { notIn: [...SECURITY_ACTIONS] },
        ...(visibleTenantIds ? { tenantId: { in: visibleTenantIds } } : {}),
      },
      orderBy: { id: "desc" },
      take: 8,
      select: { id: true, at: true, actorName: true, action: true, targetType: true, targetId: true },
    }),
  ]);

  const checklist: ChecklistItem[] = [
    {
      id: "idp",
      title: "Identity provider reachable",
      state: idp ? "failed" : "done",
      detail:
        idp ??
        `Signed in through ${config.OIDC_ISSUER}; roles from "${config.STS_ROLE_PATH}", groups from "${config.STS_GROUPS_PATH}".`,
    },
    {
      id: "tenant",
      title: "First organisation created",
      state: tenantCount > 0 ? "done" : "todo",
      detail:
        tenantCount > 0
          ? `${tenantCount} organisation${tenantCount === 1 ? "" : "s"}.`
          : "Create an organisation (tenant) with the id your platform already uses for it.",
      href: "/tenants",
    },
    {
      id: "mapping",
      title: "First IAM role mapped",
      state: mappingCount > 0 ? "done" : "todo",
      detail:
        mappingCount > 0
          ? `${mappingCount} mapping${mappingCount === 1 ? "" : "s"}.`
          : "Map an IAM group to a role in an organisation, so its members get permissions.",
      href: "/tenants",
    },
    {
      id: "signing-key",
      title: "App-token signing key active",
      state: activeKey ? "done" : "todo",
      detail: activeKey
        ? `Key ${activeKey.kid} signs app tokens.`
        : "Create and activate an EdDSA signing key so the STS can issue app tokens.",
      href: context.isBootstrapAdmin ? "/settings" : undefined,
    },
  ];

  return { checklist, recent: recent.map((event) => ({ ...event, id: event.id.toString() })) };
}
