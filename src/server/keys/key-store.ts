/**
 * The signing keys as the token endpoint and the JWKS need them: the ACTIVE key decrypted once and
 * held in memory, the published set (NEXT, ACTIVE, RETIRING until its tokens have expired). Reloaded
 * on NOTIFY sts_keys_changed and at least every `ttlMs`.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import type { AppConfig } from "../config";
import type { Db } from "../db/client";
import { decryptPrivateKey } from "./key-encryption";
import { RETIRE_GRACE_SECONDS } from "./signing-keys";

export interface ActiveSigner {
  kid: string;
  privateKey: KeyObject;
}

interface Loaded {
  at: number;
  signer: ActiveSigner | undefined;
  jwks: { keys: Record<string, unknown>[] };
}

type StoreConfig = Pick<AppConfig, "STS_KEY_ENCRYPTION_KEY" | "STS_TOKEN_TTL_SECONDS">;

export class KeyStore {
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly db: Db,
    private readonly config: StoreConfig,
    private readonly ttlMs = 5_000,
  ) {}

  invalidate(): void {
    this.loaded = undefined;
  }

  async signer(): Promise<ActiveSigner | undefined> {
    return (await this.current()).signer;
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    return (await this.current()).jwks;
  }

  private async current(): Promise<Loaded> {
    if (this.loaded && Date.now() - this.loaded.at < this.ttlMs) return this.loaded;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    this.loaded = await this.loading;
    return this.loaded;
  }

  private async load(): Promise<Loaded> {
    const now = Date.now();
    const rows = await this.db.signingKey.findMany({
      where: { status: { in: ["NEXT", "ACTIVE", "RETIRING"] }, alg: "EdDSA" },
      orderBy: { createdAt: "desc" },
    });
    const keepRetiringUntil = (this.config.STS_TOKEN_TTL_SECONDS + RETIRE_GRACE_SECONDS) * 1000;
    const published = rows.filter(
      (row) =>
        row.status !== "RETIRING" ||
        (row.retiringAt !== null && row.retiringAt.getTime() + keepRetiringUntil > now),
    );
    const active = rows.find((row) => row.status === "ACTIVE");
    let signer: ActiveSigner | undefined;
    if (active) {
      let privateKey = this.privateKeys.get(active.kid);
      if (!privateKey) {
        const der = decryptPrivateKey(
          active.privateKeyEncrypted,
          this.config.STS_KEY_ENCRYPTION_KEY,
          active.kid,
        );
        privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
        this.privateKeys.set(active.kid, privateKey);
      }
      signer = { kid: active.kid, privateKey };
    }
    // Only EdDSA (OKP) keys: the platform's core rejects a JWKS holding any other key type.
    const keys = published
      .map((row) => row.publicJwk as Record<string, unknown>)
      .filter((jwk) => jwk.kty === "OKP" && jwk.crv === "Ed25519")
      .map((jwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" }));
    return { at: now, signer, jwks: { keys } };
  }
}
