/** The one place that maps errors to HTTP responses (console API and machine API alike). */
import { ZodError } from "zod";
import { logger } from "../logger";
import { DomainError } from "./errors";
import { zodToValidationError } from "./zod-error";
import { toWebResponse, type MachineResponse } from "./machine-message";

export function errorToMachineResponse(error: unknown): MachineResponse {
  if (error instanceof ZodError) return errorToMachineResponse(zodToValidationError(error));
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "cache-control": "no-store",
    };
    if ("challenge" in error && typeof error.challenge === "string")
      headers["www-authenticate"] = error.challenge;
    return {
      status: error.status,
      headers,
      body: JSON.stringify({ error: error.code, message: error.message, ...error.details }),
    };
  }
  logger.error("unhandled error in route handler", {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return {
    status: 500,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify({
      error: "internal_error",
      message: "Something went wrong on the server; it has been logged.",
    }),
  };
}

export function toErrorResponse(error: unknown): Response {
  return toWebResponse(errorToMachineResponse(error));
}
