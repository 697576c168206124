import { getDb } from "@/server/db/client";
import { diffTenantRevisions } from "@/server/config-as-code/tenant-history";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (request, context, route) =>
  json(
    await diffTenantRevisions(
      getDb(),
      context,
      await routeParam(route, "slug"),
      Object.fromEntries(new URL(request.url).searchParams),
    ),
  ),
);
