import { getDb } from "@/server/db/client";
import { rollbackTenant } from "@/server/config-as-code/tenant-history";
import { progressResponse, wantsProgress } from "@/server/http/progress-stream";
import { readJsonBody } from "@/server/http/read-json-body";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const POST = withConsoleAuth(async (request, context, route) => {
  const slug = await routeParam(route, "slug");
  const body = await readJsonBody(request);
  if (!wantsProgress(request))
    return json(await rollbackTenant(getDb(), context, slug, body, { signal: request.signal }));
  return progressResponse(request, (onProgress, signal) =>
    rollbackTenant(getDb(), context, slug, body, { onProgress, signal }),
  );
});
