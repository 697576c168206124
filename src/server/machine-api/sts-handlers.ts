/** The STS endpoints: token, JWKS and authorisation-server metadata (RFC 8414). */
import { getConfig } from "../config";
import { CLIENT_IP_HEADER } from "../http/client-address";
import { handleTokenRequest, TOKEN_EXCHANGE_GRANT } from "../sts/token-endpoint";
import { getMachineRuntime } from "./machine-runtime";

export async function handleToken(request: Request): Promise<Response> {
  const runtime = await getMachineRuntime();
  return handleTokenRequest(request, runtime.token, request.headers.get(CLIENT_IP_HEADER) ?? "");
}

export async function handleJwks(): Promise<Response> {
  const runtime = await getMachineRuntime();
  return new Response(JSON.stringify(await runtime.keys.jwks()), {
    status: 200,
    // Short enough that a NEXT key reaches verifiers well within STS_JWKS_PUBLISH_LEAD.
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
}

export function authorizationServerMetadata() {
  const config = getConfig();
  const base = config.STS_PUBLIC_URL;
  return {
    issuer: config.STS_TOKEN_ISSUER,
    token_endpoint: `${base}/api/sts/token/v1`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    grant_types_supported: [TOKEN_EXCHANGE_GRANT, "client_credentials"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    response_types_supported: [],
  };
}

export async function handleMetadata(): Promise<Response> {
  return new Response(JSON.stringify(authorizationServerMetadata()), {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
}
