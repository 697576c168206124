import { revokeClient } from "@/server/clients/manage-clients";
import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";

export const POST = withConsoleAuth(async (request, context, route) =>
  json(
    await revokeClient(getDb(), context, await routeParam(route, "clientId"), await readJsonBody(request)),
  ),
);
