import { bodyIsEncoded } from "./content-encoding";
import { UnsupportedContentEncodingError, UnsupportedMediaTypeError, ValidationError } from "./errors";
import { fromWebRequest, type MachineRequest } from "./machine-message";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Whether a Content-Type names `mediaType` (lower case): any case, parameters such as charset
 * allowed. The exact value, the common case, is answered without taking the header apart.
 */
export function hasMediaType(contentType: string | null, mediaType: string): boolean {
  if (contentType === null) return false;
  if (contentType === mediaType) return true;
  const semicolon = contentType.indexOf(";");
  return (
    (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === mediaType
  );
}

/**
 * Reads a JSON body with a size cap, before any parsing: 415 for other media types or a compressed
 * body, 413 when too big.
 */
export async function readMachineJson(
  request: MachineRequest,
  limitBytes = DEFAULT_BODY_LIMIT,
): Promise<unknown> {
  if (!hasMediaType(request.header("content-type"), "application/json"))
    throw new UnsupportedMediaTypeError("application/json");
  if (bodyIsEncoded(request.header("content-encoding"))) throw new UnsupportedContentEncodingError();
  const text = (await request.body(limitBytes)).toString("utf8");
  if (!/\S/.test(text)) throw new ValidationError("The request body is empty: send a JSON object.");
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
