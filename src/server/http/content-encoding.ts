/**
 * Response compression for large machine answers (RFC 9110 §12.5.3 Accept-Encoding). A resolve
 * answer with provenance runs to 100 KB and more; Node's fetch, Go's net/http and most HTTP clients
 * ask for gzip on their own, and on a network the bytes cost far more than compressing them once
 * (the resolve API remembers the compressed form with the answer).
 */
import { gzipSync, constants } from "node:zlib";

/** Smaller bodies go as they are: they gain little and the header and CPU cost stay. */
export const GZIP_MIN_BYTES = 1024;

const CODING = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:;\s*q\s*=\s*([0-9](?:\.[0-9]{0,3})?)\s*)?$/;

/**
 * Whether an Accept-Encoding header allows gzip: `gzip` (or `x-gzip`) with a weight above zero, or
 * `*` above zero when gzip is not ruled out by name. A header that cannot be read allows nothing
 * beyond identity, which is always acceptable.
 */
export function acceptsGzip(header: string | null): boolean {
  if (!header || header.length > 1024) return false;
  let named: boolean | undefined;
  let wildcard = false;
  for (const part of header.split(",")) {
    if (part.trim() === "") continue;
    const match = CODING.exec(part);
    if (!match) return false;
    const coding = match[1]!.toLowerCase();
    const weight = match[2] === undefined ? 1 : Number(match[2]);
    if (weight > 1) return false;
    if (coding === "gzip" || coding === "x-gzip") named = (named ?? false) || weight > 0;
    else if (coding === "*") wildcard = weight > 0;
  }
  return named ?? wildcard;
}

/** Whether a request declares its body compressed: any Content-Encoding other than identity. */
export function bodyIsEncoded(contentEncoding: string | null): boolean {
  if (contentEncoding === null) return false;
  return contentEncoding.split(",").some((coding) => {
    const name = coding.trim().toLowerCase();
    return name !== "" && name !== "identity";
  });
}

/** A response body and whether it is gzip-compressed. */
export interface EncodedBody {
  body: Buffer;
  gzip: boolean;
}

/**
 * The body as sent to a client that does (`acceptGzip`) or does not accept gzip: compressed at the
 * fastest level (most of the gain on repetitive JSON for a fraction of the CPU) when large enough.
 */
export function encodeBody(body: Buffer, acceptGzip: boolean): EncodedBody {
  return acceptGzip && body.length >= GZIP_MIN_BYTES
    ? { body: gzipSync(body, { level: constants.Z_BEST_SPEED }), gzip: true }
    : { body, gzip: false };
}
