import { requireMayVerifyAuditChain } from "@/server/auth/authorize";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";

// A read: verifying changes nothing, so it is a GET (and needs no audit entry of its own).
export const GET = withConsoleAuth(async (_request, context) => {
  requireMayVerifyAuditChain(context);
  return json(await verifyAuditChain(getDb()));
});
