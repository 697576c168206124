/**
 * Who is asking, and what they may do: the signed-in user, whether they hold the bootstrap role, and
 * their permissions per tenant (from the database, on every request).
 */
import "server-only";
import { getServerSession } from "next-auth";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { readRequestContext } from "../http/request-context";
import { getAuthOptions } from "./auth-options";
import { buildConsoleContext } from "./build-console-context";

export { canUseConsole, type ConsoleContext } from "./authorize";
export { readRequestContext };
import type { ConsoleContext } from "./authorize";

export type SessionState =
  | { state: "signed-out" }
  | { state: "ended"; reason: "idle" | "expired" }
  | { state: "signed-in"; context: ConsoleContext };

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
