import { getDb } from "@/server/db/client";
import { CONFIG_UPLOAD_LIMIT_BYTES } from "@/server/config-as-code/config-file";
import { planImport } from "@/server/config-as-code/import-config";
import { progressResponse, wantsProgress } from "@/server/http/progress-stream";
import { readJsonBody } from "@/server/http/read-json-body";
import { json, withConsoleAuth } from "@/server/http/route-handler";

export const POST = withConsoleAuth(async (request, context) => {
  const body = await readJsonBody(request, CONFIG_UPLOAD_LIMIT_BYTES);
  if (!wantsProgress(request)) return json(await planImport(getDb(), context, body));
  return progressResponse(request, (onProgress, signal) =>
    planImport(getDb(), context, body, { onProgress, signal }),
  );
});
