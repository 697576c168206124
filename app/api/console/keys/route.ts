import { requireBootstrapAdmin } from "@/server/auth/authorize";
import { getConfig } from "@/server/config";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";
import { createNextKey, listSigningKeys } from "@/server/keys/signing-keys";

export const GET = withConsoleAuth(async (_request, context) => {
  requireBootstrapAdmin(context, "manage signing keys");
  const config = getConfig();
  return json({
    keys: await listSigningKeys(getDb(), config),
    publishLeadSeconds: config.STS_JWKS_PUBLISH_LEAD,
    tokenTtlSeconds: config.STS_TOKEN_TTL_SECONDS,
  });
});

/** Creates a NEXT key (published at once, signing only after promotion). */
export const POST = withConsoleAuth(async (_request, context) =>
  json(await createNextKey(getDb(), context, getConfig()), 201),
);
