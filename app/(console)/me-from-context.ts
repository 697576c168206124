import "server-only";
import type { ConsoleContext } from "@/server/auth/authorize";
import type { MeResponse } from "@/components/console-data";

/** The signed-in user in the shape of GET /api/console/me, as initial data for the client's `me` query. */
export function meFromContext(context: ConsoleContext): MeResponse {
  return {
    identity: context.identity,
    isBootstrapAdmin: context.isBootstrapAdmin,
    tenantPermissions: Object.fromEntries(
      [...context.tenantPermissions].map(([tenantId, permissions]) => [tenantId, [...permissions].sort()]),
    ),
  };
}
