/** The STS endpoints: token, JWKS and authorisation-server metadata (RFC 8414). */
import { getConfig } from "../config";
import { CLIENT_IP_HEADER } from "../http/client-address";
import {
  fromWebRequest,
  toWebResponse,
  type MachineRequest,
  type MachineResponse,
} from "../http/machine-message";
import { handleTokenRequest, TOKEN_EXCHANGE_GRANT } from "../sts/token-endpoint";
import { getMachineRuntime } from "./machine-runtime";

export async function tokenEndpoint(request: MachineRequest): Promise<MachineResponse> {
  const runtime = await getMachineRuntime();
  return handleTokenRequest(request, runtime.token, request.header(CLIENT_IP_HEADER) ?? "");
}

export async function jwksEndpoint(): Promise<MachineResponse> {
  const runtime = await getMachineRuntime();
  return {
    status: 200,
    // Short enough that a NEXT key reaches verifiers well within STS_JWKS_PUBLISH_LEAD.
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
    body: JSON.stringify(await runtime.keys.jwks()),
  };
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

export async function metadataEndpoint(): Promise<MachineResponse> {
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
    body: JSON.stringify(authorizationServerMetadata()),
  };
}

/** Web Request/Response forms, for the Next.js route handlers. */
export async function handleToken(request: Request): Promise<Response> {
  return toWebResponse(await tokenEndpoint(fromWebRequest(request)));
}

export async function handleJwks(): Promise<Response> {
  return toWebResponse(await jwksEndpoint());
}

export async function handleMetadata(): Promise<Response> {
  return toWebResponse(await metadataEndpoint());
}
