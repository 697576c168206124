/**
 * Decodes the value of `Authorization: Basic …` (without the scheme). RFC 6749 §2.3.1: client id and
 * secret are form-urlencoded before base64. Undefined when the value is not `id:secret`.
 */
export function decodeBasicCredentials(value: string): { clientId: string; secret: string } | undefined {
  const decoded = Buffer.from(value.trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  const unescape = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, " "));
    } catch {
      return part;
    }
  };
  return { clientId: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}
