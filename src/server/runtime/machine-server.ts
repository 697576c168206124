/**
 * The lean path for the hot machine endpoints: answered straight from Node's HTTP server, without
 * Next.js's per-request overhead, by the same handlers the Next.js route handlers call (so every rule
 * exists once). Everything else goes to Next.js.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
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

/** Larger than any machine endpoint accepts (64 KiB), so the handler's own limit decides. */
const MAX_BUFFERED_BODY = 128 * 1024;

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
  // Machine requests are small: buffer the body (cheaper than a web stream). Past the cap the
  // handler still sees an oversized body and answers 413.
  let requestBody: ArrayBuffer | undefined;
  if (hasBody) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BUFFERED_BODY) break;
      chunks.push(chunk);
    }
    const joined = Buffer.concat(chunks);
    requestBody = joined.buffer.slice(
      joined.byteOffset,
      joined.byteOffset + joined.byteLength,
    ) as ArrayBuffer;
    if (size > MAX_BUFFERED_BODY) headers.set("content-length", String(size));
  }
  const request = new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: requestBody,
  });
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
