import { getPermissionMatrix } from "@/server/access/get-permission-matrix";
import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (_request, context, route) =>
  json(await getPermissionMatrix(getDb(), context, await routeParam(route, "slug"))),
);
