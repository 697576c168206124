/**
 * One reusable buffer for bytes that are used at once and never kept (the input of a signature made
 * or checked synchronously): a token of a few kilobytes would otherwise allocate buffers of its own
 * on every request, more work for the garbage collector, whose pauses the slowest requests wait for.
 * A view returned here is valid only until the next call.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);

function scratchOf(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
  return scratch;
}

/** The bytes of ASCII text (base64url, dots) joined from parts: latin1, byte for byte. */
export function asciiBytes(...parts: string[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const buffer = scratchOf(length);
  let offset = 0;
  for (const part of parts) offset += buffer.write(part, offset, "latin1");
  return buffer.subarray(0, offset);
}

/** base64url of text's UTF-8 bytes, without a buffer of its own. */
export function base64urlOfText(text: string): string {
  const buffer = scratchOf(text.length * 3);
  return buffer.toString("base64url", 0, buffer.write(text, 0, "utf8"));
}
