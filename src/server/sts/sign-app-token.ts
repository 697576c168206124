/** Compact JWS with EdDSA (Ed25519) through Node's crypto: the app token the platform's core verifies. */
import { sign } from "node:crypto";
import type { ActiveSigner } from "../keys/key-store";

/** The encoded protected header per key id: the same bytes for every token a key signs. */
const encodedHeaders = new Map<string, string>();

function encodedHeader(kid: string): string {
  let header = encodedHeaders.get(kid);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: "JWT", kid })).toString("base64url");
    if (encodedHeaders.size >= 16) encodedHeaders.clear();
    encodedHeaders.set(kid, header);
  }
  return header;
}

/**
 * One scratch buffer for the bytes being encoded and signed (all of it synchronous): a token of a
 * few kilobytes would otherwise allocate two buffers of its own per request, more work for the
 * garbage collector, whose pauses are what the slowest requests wait for.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);
const DOT = 0x2e;

function scratchOf(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
  return scratch;
}

/** Signs the payload, given as its JSON text (the claims object, serialised). */
export function signAppToken(signer: ActiveSigner, json: string): string {
  const utf8 = scratchOf(json.length * 3);
  const payload = utf8.toString("base64url", 0, utf8.write(json, 0, "utf8"));
  const header = encodedHeader(signer.kid);
  // The signing input `header.payload` is ASCII: written part by part, byte for byte.
  const bytes = scratchOf(header.length + 1 + payload.length);
  bytes.write(header, 0, "latin1");
  bytes[header.length] = DOT;
  const length = header.length + 1 + bytes.write(payload, header.length + 1, "latin1");
  const signature = sign(null, bytes.subarray(0, length), signer.privateKey).toString("base64url");
  return `${header}.${payload}.${signature}`;
}
