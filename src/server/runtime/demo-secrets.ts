/**
 * Secrets for demo mode (STS_DEMO=1), generated once under the data directory and reused, so a
 * restarted demo keeps its sessions, its IdP keys and its encrypted signing keys.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { JWK } from "oidc-provider";

const demoSecretsSchema = z.object({
  nextAuthSecret: z.string().min(32),
  keyEncryptionKey: z.string().min(40),
  oidcClientSecret: z.string().min(16),
  idpCookieKeys: z.array(z.string().min(16)).min(1),
  idpJwks: z.array(z.record(z.string(), z.unknown())).min(1),
});

export interface DemoSecrets {
  nextAuthSecret: string;
  keyEncryptionKey: string;
  oidcClientSecret: string;
  idpCookieKeys: string[];
  idpJwks: JWK[];
}

export async function loadOrCreateDemoSecrets(dataDir: string): Promise<DemoSecrets> {
  const file = path.join(dataDir, "demo-secrets.json");
  try {
    const parsed = demoSecretsSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) return { ...parsed.data, idpJwks: parsed.data.idpJwks as JWK[] };
    throw new Error(`${file} is not valid (${parsed.error.issues[0]?.message}); delete it to regenerate`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secrets: DemoSecrets = {
    nextAuthSecret: randomBytes(48).toString("base64url"),
    keyEncryptionKey: randomBytes(32).toString("base64"),
    oidcClientSecret: randomBytes(32).toString("base64url"),
    idpCookieKeys: [randomBytes(32).toString("base64url")],
    idpJwks: generateDevIdpJwks(),
  };
  // The data directory must stay traversable: the embedded Postgres runs as its own OS user as root.
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Signing keys for the development IdP: RS256 (what most IdPs use) and EdDSA. */
export function generateDevIdpJwks(): JWK[] {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return [
    { ...rsa, kid: `rs-${randomUUID().slice(0, 8)}`, use: "sig", alg: "RS256" } as JWK,
    { ...ed, kid: `ed-${randomUUID().slice(0, 8)}`, use: "sig", alg: "EdDSA" } as JWK,
  ];
}
