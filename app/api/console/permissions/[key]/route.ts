import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { deletePermission, setPermissionDeprecated } from "@/server/permissions/change-permission";

export const PATCH = withConsoleAuth(async (request, context, route) =>
  json(
    await setPermissionDeprecated(
      getDb(),
      context,
      await routeParam(route, "key"),
      await readJsonBody(request),
    ),
  ),
);

export const DELETE = withConsoleAuth(async (_request, context, route) =>
  json(await deletePermission(getDb(), context, await routeParam(route, "key"))),
);
