import { json, withConsoleAuth } from "@/server/http/route-handler";

/** Who the console thinks you are, and where you may act. */
export const GET = withConsoleAuth(async (_request, context) =>
  json({
    identity: context.identity,
    isBootstrapAdmin: context.isBootstrapAdmin,
    tenantPermissions: Object.fromEntries(
      [...context.tenantPermissions].map(([tenantId, permissions]) => [tenantId, [...permissions].sort()]),
    ),
  }),
);
