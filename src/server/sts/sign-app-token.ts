/** Compact JWS with EdDSA (Ed25519) through Node's crypto: the app token the platform's core verifies. */
import { sign } from "node:crypto";
import type { ActiveSigner } from "../keys/key-store";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function signAppToken(signer: ActiveSigner, claims: Record<string, unknown>): string {
  const signingInput = `${encode({ alg: "EdDSA", typ: "JWT", kid: signer.kid })}.${encode(claims)}`;
  const signature = sign(null, Buffer.from(signingInput), signer.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
