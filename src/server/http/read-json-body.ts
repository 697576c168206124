import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "./errors";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Reads a JSON body with a size cap, before any parsing: 415 for other media types, 413 when too big. */
export async function readJsonBody(request: Request, limitBytes = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new UnsupportedMediaTypeError("application/json");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const reader = request.body?.getReader();
  if (!reader) throw new ValidationError("The request body is empty: send a JSON object.");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new ValidationError("The request body is empty: send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(
      `The request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`,
    );
  }
}
