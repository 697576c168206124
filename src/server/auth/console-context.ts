/**
 * Who is asking, and what they may do: the signed-in user, whether they hold the bootstrap role, and
 * their permissions per tenant (from the database, on every request).
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import type { AuditRequestContext } from "../audit/record-audit-event";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, isUsableRequestId } from "../http/client-address";
import { getAuthOptions } from "./auth-options";
import type { ConsoleContext } from "./authorize";
import { holdsBootstrapRole, mappingSubjects } from "./identity";
import { loadTenantPermissions } from "./tenant-permissions";

export { canUseConsole, type ConsoleContext } from "./authorize";

export type SessionState =
  | { state: "signed-out" }
  | { state: "ended"; reason: "idle" | "expired" }
  | { state: "signed-in"; context: ConsoleContext };

export async function readRequestContext(): Promise<AuditRequestContext> {
  const incoming = await headers();
  const requestId = incoming.get(REQUEST_ID_HEADER) ?? undefined;
  return {
    requestId: isUsableRequestId(requestId) ? requestId : randomUUID(),
    ip: incoming.get(CLIENT_IP_HEADER) ?? "",
    userAgent: (incoming.get("user-agent") ?? "").slice(0, 500),
  };
}

export async function getSessionState(): Promise<SessionState> {
  const session = await getServerSession(getAuthOptions());
  if (session?.ended) return { state: "ended", reason: session.ended };
  const identity = session?.identity;
  if (!identity?.sub) return { state: "signed-out" };
  const config = getConfig();
  const tenantPermissions = await loadTenantPermissions(getDb(), "GROUP", mappingSubjects(identity));
  return {
    state: "signed-in",
    context: {
      identity,
      isBootstrapAdmin: holdsBootstrapRole(identity, config.STS_BOOTSTRAP_ROLE),
      tenantPermissions,
      request: await readRequestContext(),
    },
  };
}
