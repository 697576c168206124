/**
 * The single authorisation module. Guard order, always: signed in → may see this tenant → holds the
 * permission for this action. Pages redirect; route handlers answer JSON (401, 403, 404).
 */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../http/errors";
import { canUseConsole, getSessionState, type ConsoleContext } from "./console-context";
import { grantsConsoleVisibility } from "./console-permissions";

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
      session.reason === "idle" ? "Your session ended after inactivity. Sign in again." : "Your session expired. Sign in again.",
    );
  }
  if (!canUseConsole(session.context)) {
    throw new ForbiddenError("You have no access to this console: none of your IAM roles or groups is mapped here.");
  }
  return session.context;
}

export function requireBootstrapAdmin(context: ConsoleContext): void {
  if (!context.isBootstrapAdmin) {
    throw new ForbiddenError("Only the bootstrap administrator may do this.");
  }
}

/** Whether the user may see the tenant at all (any STS_IAM_ROLE_* permission there, or bootstrap). */
export function canSeeTenant(context: ConsoleContext, tenantId: string): boolean {
  if (context.isBootstrapAdmin) return true;
  const permissions = context.tenantPermissions.get(tenantId);
  return permissions !== undefined && [...permissions].some(grantsConsoleVisibility);
}

/**
 * Requires one of `anyOf` in the tenant. A tenant the user cannot see at all is reported as not found,
 * so tenant names do not leak; a visible tenant without the permission is a 403 naming it.
 */
export function requireTenantPermission(
  context: ConsoleContext,
  tenant: { id: string; slug: string },
  anyOf: readonly string[],
): void {
  if (!canSeeTenant(context, tenant.id)) throw new NotFoundError(`No tenant "${tenant.slug}".`);
  if (context.isBootstrapAdmin) return;
  const permissions = context.tenantPermissions.get(tenant.id);
  if (!anyOf.some((permission) => permissions?.has(permission))) {
    throw new ForbiddenError(
      `This needs ${anyOf.join(" or ")} in tenant "${tenant.slug}".`,
      anyOf.join(" | "),
    );
  }
}

export function holdsTenantPermission(context: ConsoleContext, tenantId: string, permission: string): boolean {
  return context.isBootstrapAdmin || (context.tenantPermissions.get(tenantId)?.has(permission) ?? false);
}
