/**
 * App-token signing keys (EdDSA / Ed25519). Life cycle: NEXT (published, not signing) → ACTIVE
 * (signing) → RETIRING (published until every token it signed has expired) → RETIRED (unpublished).
 * The platform's core refreshes its JWKS only when its cache expires, so a NEXT key must be published
 * for STS_JWKS_PUBLISH_LEAD before it may be promoted. Every key event is audited.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { z } from "zod";
import { actorOf, requireBootstrapAdmin, type ConsoleContext } from "../auth/authorize";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { AppConfig } from "../config";
import type { Db } from "../db/client";
import { inTransaction, type Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { versionSchema } from "../shared/text";
import { encryptPrivateKey } from "./key-encryption";

export const KEYS_CHANNEL = "sts_keys_changed";
/** Extra time a retiring key stays published beyond the token lifetime (clock skew of verifiers). */
export const RETIRE_GRACE_SECONDS = 120;

export interface SigningKeySummary {
  kid: string;
  alg: string;
  status: "NEXT" | "ACTIVE" | "RETIRING" | "RETIRED";
  publicJwk: Record<string, unknown>;
  createdAt: string;
  publishedAt: string;
  activatedAt: string | null;
  retiringAt: string | null;
  retiredAt: string | null;
  /** NEXT keys: the earliest moment promotion is allowed. */
  promotableAt: string | null;
  /** RETIRING keys: when the last token they signed has expired. */
  retiresAt: string | null;
  version: number;
}

type KeyConfig = Pick<
  AppConfig,
  "STS_KEY_ENCRYPTION_KEY" | "STS_JWKS_PUBLISH_LEAD" | "STS_TOKEN_TTL_SECONDS"
>;

type KeyRow = Awaited<ReturnType<Db["signingKey"]["findMany"]>>[number];

export function summariseKey(row: KeyRow, config: KeyConfig, everActive: boolean): SigningKeySummary {
  const promotable =
    row.status === "NEXT"
      ? new Date(
          everActive
            ? row.publishedAt.getTime() + config.STS_JWKS_PUBLISH_LEAD * 1000
            : row.publishedAt.getTime(),
        )
      : null;
  const retires =
    row.status === "RETIRING" && row.retiringAt
      ? new Date(row.retiringAt.getTime() + (config.STS_TOKEN_TTL_SECONDS + RETIRE_GRACE_SECONDS) * 1000)
      : null;
  return {
    kid: row.kid,
    alg: row.alg,
    status: row.status,
    publicJwk: row.publicJwk as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    publishedAt: row.publishedAt.toISOString(),
    activatedAt: row.activatedAt?.toISOString() ?? null,
    retiringAt: row.retiringAt?.toISOString() ?? null,
    retiredAt: row.retiredAt?.toISOString() ?? null,
    promotableAt: promotable?.toISOString() ?? null,
    retiresAt: retires?.toISOString() ?? null,
    version: row.version,
  };
}

async function notifyKeysChanged(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${KEYS_CHANNEL}, '{}')`;
}

/** RETIRING keys whose tokens have all expired become RETIRED (unpublished); audited as SYSTEM. */
export async function retireExpiredKeys(tx: Tx, config: KeyConfig, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - (config.STS_TOKEN_TTL_SECONDS + RETIRE_GRACE_SECONDS) * 1000);
  const due = await tx.signingKey.findMany({
    where: { status: "RETIRING", retiringAt: { lte: cutoff } },
    select: { kid: true },
  });
  for (const { kid } of due) {
    await tx.signingKey.update({
      where: { kid },
      data: { status: "RETIRED", retiredAt: now, version: { increment: 1 } },
    });
    await recordAuditEvent(tx, {
      actor: { sub: "system", name: "Key rotation", type: "SYSTEM" },
      action: "key.retire",
      targetType: "signingKey",
      targetId: kid,
      before: { status: "RETIRING" },
      after: { status: "RETIRED" },
    });
  }
  if (due.length > 0) await notifyKeysChanged(tx);
  return due.map((key) => key.kid);
}

export async function listSigningKeys(db: Db, config: KeyConfig): Promise<SigningKeySummary[]> {
  await inTransaction(db, (tx) => retireExpiredKeys(tx, config));
  const rows = await db.signingKey.findMany({ orderBy: { createdAt: "desc" } });
  const everActive = rows.some((row) => row.activatedAt !== null);
  return rows.map((row) => summariseKey(row, config, everActive));
}

function newEd25519Key(keyEncryptionKey: Buffer) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string };
  // RFC 7638 thumbprint: a stable, content-derived key id.
  const kid = createHash("sha256")
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest("base64url");
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return { kid, publicJwk, privateKeyEncrypted: encryptPrivateKey(pkcs8, keyEncryptionKey, kid) };
}

/** Creates a NEXT key: published in the JWKS at once, signing only after promotion. */
export async function createNextKey(
  db: Db,
  context: ConsoleContext,
  config: KeyConfig,
): Promise<SigningKeySummary> {
  requireBootstrapAdmin(context, "manage signing keys");
  const key = newEd25519Key(config.STS_KEY_ENCRYPTION_KEY);
  return inTransaction(db, async (tx) => {
    if (await tx.signingKey.findFirst({ where: { status: "NEXT" }, select: { kid: true } })) {
      throw new ConflictError(
        "A NEXT key is already published: promote it (or wait for its lead time) before creating another.",
      );
    }
    const row = await tx.signingKey.create({ data: { ...key, alg: "EdDSA", status: "NEXT" } });
    await notifyKeysChanged(tx);
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      action: "key.create",
      targetType: "signingKey",
      targetId: key.kid,
      after: { kid: key.kid, alg: "EdDSA", status: "NEXT", publicJwk: key.publicJwk },
      request: context.request,
    });
    const everActive = (await tx.signingKey.count({ where: { activatedAt: { not: null } } })) > 0;
    return summariseKey(row, config, everActive);
  });
}

export const promoteKeySchema = z.object({ version: versionSchema });

/**
 * NEXT → ACTIVE; the previous ACTIVE key → RETIRING. Refused before the publish lead has passed,
 * except for the very first key (no verifier can hold a cached JWKS without it anyway).
 */
export async function promoteKey(
  db: Db,
  context: ConsoleContext,
  config: KeyConfig,
  kid: string,
  input: unknown,
  now = new Date(),
): Promise<SigningKeySummary> {
  requireBootstrapAdmin(context, "manage signing keys");
  const { version } = parseInput(promoteKeySchema, input, "promotion");
  return inTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7345001003)`;
    const key = await tx.signingKey.findUnique({ where: { kid } });
    if (!key) throw new NotFoundError(`No signing key ${kid}.`);
    if (key.status !== "NEXT")
      throw new ConflictError(`Key ${kid} is ${key.status}; only a NEXT key can be promoted.`);
    if (key.version !== version)
      throw new ConflictError(`Key ${kid} was changed since you loaded it.`, undefined, "stale_version");
    const everActive = (await tx.signingKey.count({ where: { activatedAt: { not: null } } })) > 0;
    const summary = summariseKey(key, config, everActive);
    if (summary.promotableAt && new Date(summary.promotableAt) > now) {
      throw new ConflictError(
        `Key ${kid} has been published for less than STS_JWKS_PUBLISH_LEAD (${config.STS_JWKS_PUBLISH_LEAD} s); verifiers may not know it yet. It can be promoted from ${summary.promotableAt}.`,
      );
    }
    const previous = await tx.signingKey.findMany({ where: { status: "ACTIVE" }, select: { kid: true } });
    for (const old of previous) {
      await tx.signingKey.update({
        where: { kid: old.kid },
        data: { status: "RETIRING", retiringAt: now, version: { increment: 1 } },
      });
    }
    const promoted = await tx.signingKey.update({
      where: { kid },
      data: { status: "ACTIVE", activatedAt: now, version: { increment: 1 } },
    });
    await notifyKeysChanged(tx);
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      action: "key.promote",
      targetType: "signingKey",
      targetId: kid,
      before: { status: "NEXT", active: previous.map((old) => old.kid) },
      after: { status: "ACTIVE", retiring: previous.map((old) => old.kid) },
      request: context.request,
    });
    return summariseKey(promoted, config, true);
  });
}

/** Demo and first start: make sure one key signs, so the product works out of the box. */
export async function ensureActiveKey(
  db: Db,
  context: ConsoleContext,
  config: KeyConfig,
): Promise<string | undefined> {
  if (await db.signingKey.findFirst({ where: { status: "ACTIVE" }, select: { kid: true } })) return undefined;
  const next =
    (await db.signingKey.findFirst({ where: { status: "NEXT" } })) ??
    (await createNextKey(db, context, config));
  const promoted = await promoteKey(db, context, config, next.kid, { version: next.version });
  return promoted.kid;
}
