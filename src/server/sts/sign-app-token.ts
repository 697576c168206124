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

export function signAppToken(signer: ActiveSigner, claims: Record<string, unknown>): string {
  const signingInput = `${encodedHeader(signer.kid)}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  // The signing input is ASCII: latin1 encodes it byte for byte without a UTF-8 pass.
  const signature = sign(null, Buffer.from(signingInput, "latin1"), signer.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
