/**
 * Sign-out: audits it and builds the IdP's end-session URL (RP-initiated logout) from the ID token
 * kept in the session. The browser then clears the console cookie through next-auth and goes there.
 */
import "server-only";
import { getToken } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { recordAuditEvent } from "../audit/record-audit-event";
import { getIssuerMetadata } from "./oidc-discovery";
import { readRequestContext } from "./console-context";
import { assertSameOrigin } from "../http/same-origin";

export async function signOutFromConsole(request: Request): Promise<{ endSessionUrl: string | null }> {
  const config = getConfig();
  assertSameOrigin(request, config.STS_PUBLIC_URL);
  const token = await getToken({
    req: new NextRequest(request),
    secret: config.NEXTAUTH_SECRET,
    secureCookie: config.secureCookies,
  });
  if (!token?.identity) return { endSessionUrl: null };
  const identity = token.identity;
  const requestContext = await readRequestContext();
  await getDb().$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: { sub: identity.sub, name: identity.name, type: "USER" },
      action: "auth.sign_out",
      targetType: "session",
      targetId: identity.sub,
      request: requestContext,
    }),
  );
  const metadata = await getIssuerMetadata().catch(() => undefined);
  if (!metadata?.end_session_endpoint) return { endSessionUrl: null };
  const url = new URL(metadata.end_session_endpoint);
  if (token.idToken) url.searchParams.set("id_token_hint", token.idToken);
  url.searchParams.set("client_id", config.OIDC_CLIENT_ID);
  url.searchParams.set("post_logout_redirect_uri", `${config.STS_PUBLIC_URL}/signed-out`);
  return { endSessionUrl: url.toString() };
}
