import { getDb } from "@/server/db/client";
import { exportConfig } from "@/server/config-as-code/export-config";
import { withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (request, context) => {
  const file = await exportConfig(getDb(), context, Object.fromEntries(new URL(request.url).searchParams));
  return new Response(file.body, {
    headers: {
      "content-type": `${file.contentType}; charset=utf-8`,
      "content-disposition": `attachment; filename="${file.fileName}"`,
      "cache-control": "no-store",
    },
  });
});
