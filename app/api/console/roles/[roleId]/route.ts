import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { deleteRole } from "@/server/roles/delete-role";
import { updateRole } from "@/server/roles/update-role";

export const PATCH = withConsoleAuth(async (request, context, route) =>
  json(
    await updateRole(getDb(), context, await routeParam(route, "roleId"), null, await readJsonBody(request)),
  ),
);

export const DELETE = withConsoleAuth(async (request, context, route) =>
  json(
    await deleteRole(getDb(), context, await routeParam(route, "roleId"), null, await readJsonBody(request)),
  ),
);
