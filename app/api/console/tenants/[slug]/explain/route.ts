import { explainSubjects } from "@/server/access/explain-subjects";
import { getDb } from "@/server/db/client";
import { readJsonBody } from "@/server/http/read-json-body";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

/** Read-only (a POST only because a token's groups do not fit in a URL): nothing is written. */
export const POST = withConsoleAuth(async (request, context, route) =>
  json(await explainSubjects(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request))),
);
