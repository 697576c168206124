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
import { buildConsoleContext } from "./build-console-context";

export { canUseConsole, type ConsoleContext } from "./authorize";
import type { ConsoleContext } from "./authorize";

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
  const context = await buildConsoleContext(
    getDb(),
    identity,
    getConfig().STS_BOOTSTRAP_ROLE,
    await readRequestContext(),
  );
  return { state: "signed-in", context };
}
