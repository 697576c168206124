/**
 * Private signing keys at rest: AES-256-GCM under STS_KEY_ENCRYPTION_KEY, with the key id as
 * additional authenticated data (a ciphertext moved to another key's row does not decrypt).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const FORMAT = "v1";

export function encryptPrivateKey(plaintext: Buffer, keyEncryptionKey: Buffer, kid: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyEncryptionKey, iv);
  cipher.setAAD(Buffer.from(kid, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    FORMAT,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

export function decryptPrivateKey(sealed: string, keyEncryptionKey: Buffer, kid: string): Buffer {
  const [format, iv, tag, ciphertext] = sealed.split(".");
  if (format !== FORMAT || !iv || !tag || !ciphertext)
    throw new Error(`signing key ${kid}: unknown encryption format`);
  const decipher = createDecipheriv("aes-256-gcm", keyEncryptionKey, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(kid, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  } catch {
    throw new Error(
      `signing key ${kid} cannot be decrypted: STS_KEY_ENCRYPTION_KEY differs from the one it was sealed with`,
    );
  }
}
