import { whoHasPermission } from "@/server/access/who-has-permission";
import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (request, context, route) =>
  json(
    await whoHasPermission(
      getDb(),
      context,
      await routeParam(route, "slug"),
      Object.fromEntries(new URL(request.url).searchParams),
    ),
  ),
);
