import { UnsupportedMediaTypeError, ValidationError } from "./errors";
import { fromWebRequest, type MachineRequest } from "./machine-message";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Reads a JSON body with a size cap, before any parsing: 415 for other media types, 413 when too big. */
export async function readMachineJson(
  request: MachineRequest,
  limitBytes = DEFAULT_BODY_LIMIT,
): Promise<unknown> {
  const type = (request.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new UnsupportedMediaTypeError("application/json");
  const text = (await request.body(limitBytes)).toString("utf8");
  if (text.trim() === "") throw new ValidationError("The request body is empty: send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(
      `The request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`,
    );
  }
}

/** The same for a web Request (console route handlers). */
export function readJsonBody(request: Request, limitBytes = DEFAULT_BODY_LIMIT): Promise<unknown> {
  return readMachineJson(fromWebRequest(request), limitBytes);
}
