/**
 * The lean path for the hot machine endpoints: answered straight from Node's HTTP server, without
 * Next.js's per-request overhead, by the same handlers the Next.js route handlers call (so every rule
 * exists once). Everything else goes to Next.js.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { handleResolve, handleSnapshot } from "../machine-api/machine-handlers";
import { handleJwks, handleMetadata, handleToken } from "../machine-api/sts-handlers";

type WebHandler = (request: Request) => Promise<Response>;

const SNAPSHOT_PATH = /^\/api\/v1\/tenants\/([^/]+)\/mappings$/;

/** The handler for a machine endpoint, or undefined when Next.js should answer. */
export function machineRoute(method: string, pathname: string): WebHandler | undefined {
  if (pathname === "/api/v1/resolve" && method === "POST") return handleResolve;
  if (pathname === "/api/sts/token/v1") return handleToken;
  if (pathname === "/.well-known/jwks.json" && (method === "GET" || method === "HEAD")) return handleJwks;
  if (pathname === "/.well-known/oauth-authorization-server" && (method === "GET" || method === "HEAD"))
    return handleMetadata;
  const snapshot = SNAPSHOT_PATH.exec(pathname);
  if (snapshot && (method === "GET" || method === "HEAD")) {
    const tenantRef = decodeURIComponent(snapshot[1] ?? "");
    return (request) => handleSnapshot(request, tenantRef);
  }
  return undefined;
}

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
};

export async function serveWebHandler(
  req: IncomingMessage,
  res: ServerResponse,
  handler: WebHandler,
  origin: string,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: hasBody ? "half" : undefined,
  } as RequestInit & { duplex?: "half" });
  const response = await handler(request);
  const outgoing: Record<string, string> = { ...SECURITY_HEADERS };
  response.headers.forEach((value, name) => {
    outgoing[name] = value;
  });
  const body =
    req.method === "HEAD" || response.status === 304 ? undefined : Buffer.from(await response.arrayBuffer());
  if (body) outgoing["content-length"] = String(body.length);
  res.writeHead(response.status, outgoing);
  res.end(body);
}
