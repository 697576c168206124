/**
 * Wrappers for route handlers: parse → authorise → call one domain function → shape the response.
 * Every error leaves through toErrorResponse, the one place that maps errors to status codes.
 */
import "server-only";
import { recordConsoleDenial, requireConsoleUser } from "../auth/require-permission";
import type { ConsoleContext } from "../auth/authorize";
import { getConfig } from "../config";
import { assertSameOrigin } from "./same-origin";
import { toErrorResponse } from "./error-response";
import { ForbiddenError } from "./errors";

export { toErrorResponse };

export type RouteParams = { params: Promise<Record<string, string | string[] | undefined>> };

export async function routeParam(route: RouteParams, name: string): Promise<string> {
  const value = (await route.params)[name];
  return decodeURIComponent(Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Console API: signed in with console access; mutations must come from the console's own origin. */
export function withConsoleAuth(
  handler: (request: Request, context: ConsoleContext, route: RouteParams) => Promise<Response>,
): (request: Request, route: RouteParams) => Promise<Response> {
  return async (request, route) => {
    let context: ConsoleContext | undefined;
    try {
      if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request, getConfig().STS_PUBLIC_URL);
      context = await requireConsoleUser();
      return await handler(request, context, route);
    } catch (error) {
      if (error instanceof ForbiddenError) await recordConsoleDenial(request, context, error);
      return toErrorResponse(error);
    }
  };
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/** A file download streamed as it is produced (exports); never cached. */
export function streamedDownload(file: {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}): Response {
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
