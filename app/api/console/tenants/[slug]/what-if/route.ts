import { whatIfMapping } from "@/server/access/what-if-mapping";
import { getDb } from "@/server/db/client";
import { readJsonBody } from "@/server/http/read-json-body";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

/** Computes the effect of a mapping change without making it. */
export const POST = withConsoleAuth(async (request, context, route) =>
  json(await whatIfMapping(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request))),
);
