/** Compact JWS with EdDSA (Ed25519) through Node's crypto: the app token the platform's core verifies. */
import { sign } from "node:crypto";
import type { ActiveSigner } from "../keys/key-store";
import { asciiBytes, base64urlOfText } from "../shared/scratch-bytes";

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

/** Signs the payload, given as its JSON text (the claims object, serialised). */
export function signAppToken(signer: ActiveSigner, json: string): string {
  const header = encodedHeader(signer.kid);
  const payload = base64urlOfText(json);
  const signature = sign(null, asciiBytes(header, ".", payload), signer.privateKey).toString("base64url");
  return `${header}.${payload}.${signature}`;
}
