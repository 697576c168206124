import { isIP } from "node:net";

/**
 * The client's IP address. X-Forwarded-For is believed only for as many hops as STS_TRUST_PROXY says
 * there are trusted proxies in front of the app; otherwise the socket's peer address is used.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const peer = (socketAddress ?? "").replace(/^::ffff:/, "");
  if (trustedHops <= 0 || !forwardedFor) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  // The right-most entries were added by our own proxies; the one before them is the client.
  const candidate = chain[chain.length - trustedHops]?.replace(/^::ffff:/, "");
  return candidate && isIP(candidate) !== 0 ? candidate : peer;
}

export const CLIENT_IP_HEADER = "x-sts-client-ip";
export const REQUEST_ID_HEADER = "x-request-id";

export function isUsableRequestId(value: string | undefined): value is string {
  return typeof value === "string" && /^[\w.-]{8,100}$/.test(value);
}
