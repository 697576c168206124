import { getConfig } from "@/server/config";
import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { promoteKey } from "@/server/keys/signing-keys";

export const POST = withConsoleAuth(async (request, context, route) =>
  json(
    await promoteKey(
      getDb(),
      context,
      getConfig(),
      await routeParam(route, "kid"),
      await readJsonBody(request),
    ),
  ),
);
