/**
 * The single authorisation module. Guard order, always: signed in → may see this tenant → holds the
 * permission for this action. Pages redirect; route handlers answer JSON (401, 403, 404).
 */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ForbiddenError, UnauthenticatedError } from "../http/errors";
import { canUseConsole, type ConsoleContext } from "./authorize";
import { getSessionState } from "./console-context";

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
  if (!canUseConsole(session.context)) redirect("/no-access");
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
    throw new ForbiddenError(
      "You have no access to this console: none of your IAM roles or groups is mapped here.",
    );
  }
  return session.context;
}
