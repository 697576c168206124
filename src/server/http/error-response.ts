/** The one place that maps errors to HTTP responses (console API and machine API alike). */
import { ZodError } from "zod";
import { logger } from "../logger";
import { DomainError } from "./errors";
import { zodToValidationError } from "./zod-error";

export function toErrorResponse(error: unknown): Response {
  if (error instanceof ZodError) return toErrorResponse(zodToValidationError(error));
  if (error instanceof DomainError) {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if ("challenge" in error && typeof error.challenge === "string")
      headers["www-authenticate"] = error.challenge;
    return Response.json(
      { error: error.code, message: error.message, ...error.details },
      { status: error.status, headers },
    );
  }
  logger.error("unhandled error in route handler", {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return Response.json(
    { error: "internal_error", message: "Something went wrong on the server; it has been logged." },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}
