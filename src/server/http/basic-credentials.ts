/**
 * Decodes the value of `Authorization: Basic …` (without the scheme). RFC 6749 §2.3.1: client id and
 * secret are form-urlencoded before base64. Undefined when the value is not `id:secret`.
 */
export function decodeBasicCredentials(value: string): { clientId: string; secret: string } | undefined {
  const decoded = Buffer.from(value.trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { clientId: formUnescape(decoded.slice(0, colon)), secret: formUnescape(decoded.slice(colon + 1)) };
}

/** Form-urlencoding undone ("+" is a space); a part that is not valid percent-encoding is taken as is. */
function formUnescape(part: string): string {
  // Generated ids and secrets carry neither: nothing to undo.
  if (!part.includes("%") && !part.includes("+")) return part;
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return part;
  }
}
