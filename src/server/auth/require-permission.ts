/**
 * The single authorisation module. Guard order, always: signed in → may see this tenant → holds the
 * permission for this action. Pages redirect; route handlers answer JSON (401, 403, 404).
 */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ForbiddenError, UnauthenticatedError } from "../http/errors";
import { getServerSession } from "next-auth";
import { getSecurityAuditQueue } from "../audit/security-audit-queue";
import { actorOf, canUseConsole, type ConsoleContext } from "./authorize";
import { getAuthOptions } from "./auth-options";
import { getSessionState, readRequestContext } from "./console-context";

const NO_CONSOLE_ACCESS =
  "You have no access to this console: none of your IAM roles or groups is mapped here.";

function signInPath(returnTo: string, reason?: string): string {
  const query = new URLSearchParams({ callbackUrl: returnTo });
  if (reason) query.set("reason", reason);
  return `/signin?${query.toString()}`;
}

/** For console pages: the signed-in user with console access, or a redirect to sign-in / no-access. */
export async function requireConsolePage(): Promise<ConsoleContext> {
  const path = (await headers()).get("x-sts-path") ?? "/";
  const returnTo = path.startsWith("/") && !path.startsWith("//") ? path : "/";
  const session = await getSessionState();
  if (session.state === "signed-out") redirect(signInPath(returnTo));
  if (session.state === "ended") redirect(signInPath(returnTo, session.reason));
  if (!canUseConsole(session.context)) {
    await recordConsoleDenial(
      { method: "GET", path: path.split("?")[0] ?? "/" },
      session.context,
      new ForbiddenError(NO_CONSOLE_ACCESS),
    );
    redirect("/no-access");
  }
  return session.context;
}

/** For route handlers and server actions: the same checks, as typed errors. */
export async function requireConsoleUser(): Promise<ConsoleContext> {
  const session = await getSessionState();
  if (session.state === "signed-out") throw new UnauthenticatedError();
  if (session.state === "ended") {
    throw new UnauthenticatedError(
      session.reason === "idle"
        ? "Your session ended after inactivity. Sign in again."
        : "Your session expired. Sign in again.",
    );
  }
  if (!canUseConsole(session.context)) {
    throw new ForbiddenError(NO_CONSOLE_ACCESS);
  }
  return session.context;
}

/**
 * A refused console request (403) is a security event: queued for the audit chain off the request
 * path (security-audit-queue.ts), with who asked, for what, and which permission was missing.
 */
export async function recordConsoleDenial(
  request: Request | { method: string; path: string },
  context: ConsoleContext | undefined,
  error: ForbiddenError,
): Promise<void> {
  try {
    const identity = context?.identity ?? (await getServerSession(getAuthOptions()))?.identity;
    const path = "url" in request ? new URL(request.url).pathname : request.path;
    getSecurityAuditQueue().record({
      actor: context
        ? actorOf(context)
        : { sub: identity?.sub ?? "anonymous", name: identity?.name ?? "", type: "USER" },
      action: "authz.denied",
      targetType: "request",
      targetId: `${request.method} ${path}`.slice(0, 255),
      after: {
        ...(error.missingPermission ? { missingPermission: error.missingPermission } : {}),
        message: error.message.slice(0, 300),
      },
      request: context?.request ?? (await readRequestContext()),
    });
  } catch {
    // Auditing a refusal must never turn the 403 into a 500.
  }
}
