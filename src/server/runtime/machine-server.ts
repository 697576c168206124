/**
 * The lean path for the hot machine endpoints: answered straight from Node's HTTP server, without
 * Next.js's per-request overhead and without web-stream objects, by the same handlers the Next.js
 * route handlers call (so every rule exists once). Everything else goes to Next.js.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorToMachineResponse } from "../http/error-response";
import { fromNodeRequest, type MachineRequest, type MachineResponse } from "../http/machine-message";
import { resolveEndpoint, snapshotEndpoint } from "../machine-api/machine-handlers";
import { jwksEndpoint, metadataEndpoint, tokenEndpoint } from "../machine-api/sts-handlers";

type MachineHandler = (request: MachineRequest) => Promise<MachineResponse>;

const SNAPSHOT_PATH = /^\/api\/v1\/tenants\/([^/]+)\/mappings$/;

/** The handler for a machine endpoint, or undefined when Next.js should answer. */
export function machineRoute(method: string, pathname: string): MachineHandler | undefined {
  if (pathname === "/api/v1/resolve" && method === "POST") return resolveEndpoint;
  if (pathname === "/api/sts/token/v1") return tokenEndpoint;
  const readOnly = method === "GET" || method === "HEAD";
  if (pathname === "/.well-known/jwks.json" && readOnly) return jwksEndpoint;
  if (pathname === "/.well-known/oauth-authorization-server" && readOnly) return metadataEndpoint;
  const snapshot = SNAPSHOT_PATH.exec(pathname);
  if (snapshot && readOnly) {
    let tenantRef: string;
    try {
      tenantRef = decodeURIComponent(snapshot[1] ?? "");
    } catch {
      return undefined;
    }
    return (request) => snapshotEndpoint(request, tenantRef);
  }
  return undefined;
}

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
};

export async function serveMachineRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handler: MachineHandler,
): Promise<void> {
  let response: MachineResponse;
  try {
    response = await handler(fromNodeRequest(req));
  } catch (error) {
    response = errorToMachineResponse(error);
  }
  // Text goes to the socket as it is (encoded on the way out, no buffer of its own to collect later).
  const body =
    req.method === "HEAD" || response.status === 304 || response.body === null ? undefined : response.body;
  // Object.assign, not a spread literal: the literal form cost ~10 µs per response in header handling.
  const headers: Record<string, string> = Object.assign({}, SECURITY_HEADERS, response.headers);
  if (body !== undefined)
    headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.length);
  res.writeHead(response.status, headers);
  res.end(body);
  // A request refused before its body was read: drain what is left so the connection stays usable.
  if (!req.complete) req.resume();
}
