/**
 * The STS token endpoint (RFC 8693 token exchange and client_credentials) through its real handlers,
 * against a stand-in IdP on loopback whose tokens are really signed. App tokens are checked with
 * independent implementations: jose's jwtVerify over the published JWKS, and a test double of the
 * platform core's validator written from PROCIVIS.md ("The app token the core service accepts").
 * Every refusal is an RFC 6749 §5.2 error without a token, and leaves keys and mappings unchanged.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createHmac,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from "node:crypto";
import { gzipSync } from "node:zlib";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/server/db/client";
import { getConfig } from "@/server/config";
import { inTransaction } from "@/server/db/transaction";
import { CLIENT_IP_HEADER } from "@/server/http/client-address";
import { RateLimiter } from "@/server/http/rate-limiter";
import { registerClient } from "@/server/clients/manage-clients";
import { decryptPrivateKey } from "@/server/keys/key-encryption";
import {
  createNextKey,
  ensureActiveKey,
  promoteKey,
  retireExpiredKeys,
  RETIRE_GRACE_SECONDS,
} from "@/server/keys/signing-keys";
import { closeMachineRuntime, getMachineRuntime } from "@/server/machine-api/machine-runtime";
import { handleJwks, handleMetadata, handleToken } from "@/server/machine-api/sts-handlers";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { createTenant } from "@/server/tenants/create-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";
import { contextOf, openWorld } from "../fixtures/console-world";

const AUDIENCE = "api://sts-test";
const BASE = "http://sts.test";
const APP_AUDIENCE = "one-core";
const TTL = 300;
const IDP_KID = "idp-key-1";
const KEK = Buffer.alloc(32, 9);
const ACME_ID = "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01";
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS = "urn:ietf:params:oauth:token-type:access_token";
const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** NOTIFY sts_keys_changed / sts_mappings_changed reach the runtime's listener within milliseconds. */
const settle = () => pause(200);

let db: Db;
let idp: http.Server;
let issuer: string;
const idpRequests: string[] = [];
let attacker: http.Server;
let attackerUrl: string;
const attackerRequests: string[] = [];

const idpKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const strangerKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicJwkOf = (key: KeyObject, kid: string): Record<string, string> => ({
  ...(key.export({ format: "jwk" }) as Record<string, string>),
  kid,
  alg: "RS256",
  use: "sig",
});

/** Every app token and jti this file obtained: none may ever show up in a database column. */
const issuedTokens: string[] = [];
const issuedJtis: string[] = [];

// ---------------------------------------------------------------------------------------------------
// Compact JWS by hand (node:crypto), so headers such as alg "none", crit or jku can be produced at will.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
type Signer = (input: Buffer) => Buffer;
const rs256 =
  (key: KeyObject): Signer =>
  (input) =>
    cryptoSign("sha256", input, key);
const ed25519 =
  (key: KeyObject): Signer =>
  (input) =>
    cryptoSign(null, input, key);

function jws(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString("base64url")}`;
}

const IDP_HEADER = { alg: "RS256", kid: IDP_KID, typ: "at+jwt" };

function userClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    aud: AUDIENCE,
    sub: "alice",
    iat: now,
    exp: now + 300,
    groups: ["acme-auditors"],
    name: "Alice Auditor",
    given_name: "Alice",
    family_name: "Auditor",
    email: "alice@acme.example",
    ...overrides,
  };
}

function without(claims: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const copy = { ...claims };
  for (const name of names) delete copy[name];
  return copy;
}

/** An IAM access token signed by the stand-in IdP. */
const iamToken = (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = IDP_HEADER) =>
  jws(header, userClaims(overrides), rs256(idpKeys.privateKey));

// ---------------------------------------------------------------------------------------------------
// Calling the endpoint

let addressCounter = 0;
/** A fresh client address per request, so the rate limiter only bites where a test wants it to. */
const nextAddress = () => {
  addressCounter += 1;
  return `10.77.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function post(
  body: BodyInit,
  headers: Record<string, string> = {},
  extra: Partial<RequestInit> = {},
): Promise<TokenAnswer> {
  const request = new Request(`${BASE}/api/sts/token/v1`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      [CLIENT_IP_HEADER]: nextAddress(),
      ...headers,
    },
    body,
    ...extra,
  });
  const response = await handleToken(request);
  const parsed = JSON.parse(await response.text()) as Record<string, unknown>;
  if (typeof parsed.access_token === "string") issuedTokens.push(parsed.access_token);
  return { status: response.status, headers: response.headers, body: parsed };
}

function exchangeForm(subjectToken: string, target: Record<string, string> = { tenant: "acme" }) {
  return new URLSearchParams({
    grant_type: EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS,
    ...target,
  }).toString();
}

const exchange = (subjectToken: string, target?: Record<string, string>) =>
  post(exchangeForm(subjectToken, target));

async function expectRefusal(
  answer: TokenAnswer,
  error: string,
  options: { status?: number; description?: RegExp } = {},
): Promise<void> {
  expect(answer.status).toBe(options.status ?? 400);
  // RFC 6749 §5.2: error and description, nothing else (no token).
  expect(answer.body).toEqual({ error, error_description: expect.any(String) });
  if (options.description) expect(answer.body.error_description).toMatch(options.description);
  expect(answer.headers.get("cache-control")).toBe("no-store");
  expect(answer.headers.get("content-type")).toBe("application/json");
}

async function issuedToken(answer: TokenAnswer): Promise<string> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body).toEqual({
    access_token: expect.any(String),
    issued_token_type: ACCESS,
    token_type: "Bearer",
    expires_in: TTL,
  });
  expect(answer.headers.get("cache-control")).toBe("no-store");
  return answer.body.access_token as string;
}

// ---------------------------------------------------------------------------------------------------
// Verifying app tokens independently

async function publishedJwks(): Promise<JSONWebKeySet> {
  const response = await handleJwks();
  expect(response.status).toBe(200);
  return (await response.json()) as JSONWebKeySet;
}

const appClaimsSchema = z.strictObject({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
  jti: z.string().regex(UUID),
  organisationId: z.string().regex(UUID),
  tenant: z.strictObject({ id: z.string().regex(UUID), slug: z.string() }),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  permissionsBitmask: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
});
type AppClaims = z.infer<typeof appClaimsSchema>;

/** jose (WebCrypto) over the JWKS the STS publishes; our code signs with node:crypto directly. */
async function verifyApp(token: string, jwks?: JSONWebKeySet): Promise<AppClaims> {
  const { payload, protectedHeader } = await jwtVerify(
    token,
    createLocalJWKSet(jwks ?? (await publishedJwks())),
    {
      issuer: BASE,
      audience: APP_AUDIENCE,
      algorithms: ["EdDSA"],
      requiredClaims: ["exp", "iat", "nbf", "jti", "sub"],
    },
  );
  expect(protectedHeader).toEqual({ alg: "EdDSA", typ: "JWT", kid: expect.any(String) });
  const claims = appClaimsSchema.parse(payload);
  issuedJtis.push(claims.jti);
  return claims;
}

/** Catalog bits of the permissions, and the bits a base64url little-endian bit field holds. */
async function catalogBits(permissions: string[]): Promise<number[]> {
  const rows = await db.permission.findMany({
    where: { key: { in: permissions }, bit: { not: null } },
    select: { bit: true },
  });
  return rows.map((row) => row.bit!).sort((a, b) => a - b);
}

function decodeBitmask(mask: string): number[] {
  const bytes = Buffer.from(mask, "base64url");
  const bits: number[] = [];
  bytes.forEach((byte, at) => {
    for (let bit = 0; bit < 8; bit += 1) if (byte & (1 << bit)) bits.push(at * 8 + bit);
  });
  return bits;
}

async function rolePermissions(roleKey: string, tenantId: string | null = null): Promise<string[]> {
  const role = await db.role.findFirstOrThrow({
    where: { key: roleKey, tenantId },
    select: { permissions: { select: { permissionKey: true } } },
  });
  return role.permissions.map((item) => item.permissionKey).sort();
}

// ---------------------------------------------------------------------------------------------------
// A test double of the platform core's validator, from PROCIVIS.md's rules only.

class CoreRejection extends Error {}

interface CoreSettings {
  issuer: string;
  audience: string;
  leewaySeconds: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Builds the core's verifier from one JWKS fetch. The core's whole fetch fails when the set holds any
 * non-EdDSA key; keys are looked up by kid in that cached set only (no refetch on an unknown kid).
 */
function coreValidator(jwks: unknown, settings: CoreSettings) {
  if (!isRecord(jwks) || !Array.isArray(jwks.keys)) throw new CoreRejection("jwks: no keys array");
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (
      !isRecord(jwk) ||
      jwk.kty !== "OKP" ||
      jwk.crv !== "Ed25519" ||
      (jwk.alg !== undefined && jwk.alg !== "EdDSA") ||
      typeof jwk.kid !== "string" ||
      typeof jwk.x !== "string"
    ) {
      throw new CoreRejection("jwks: a non-EdDSA key");
    }
    keys.set(jwk.kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" }));
  }
  const decode = (part: string): Record<string, unknown> => {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (!isRecord(value)) throw new CoreRejection("not a JSON object");
    return value;
  };
  return (token: string, now = Date.now() / 1000): { permissions: string[]; organisationId: string } => {
    const parts = token.split(".");
    if (parts.length !== 3) throw new CoreRejection("not a compact JWS");
    const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
    const header = decode(headerPart);
    if (header.alg !== "EdDSA") throw new CoreRejection("alg");
    if (typeof header.kid !== "string") throw new CoreRejection("kid required");
    const key = keys.get(header.kid);
    if (!key) throw new CoreRejection("unknown kid");
    const valid = cryptoVerify(
      null,
      Buffer.from(`${headerPart}.${payloadPart}`),
      key,
      Buffer.from(signaturePart, "base64url"),
    );
    if (!valid) throw new CoreRejection("signature");
    const claims = decode(payloadPart);
    if (claims.iss !== settings.issuer) throw new CoreRejection("iss");
    const aud = typeof claims.aud === "string" ? [claims.aud] : claims.aud;
    if (!Array.isArray(aud) || !aud.includes(settings.audience)) throw new CoreRejection("aud");
    if (typeof claims.exp !== "number") throw new CoreRejection("exp required");
    if (claims.exp + settings.leewaySeconds <= now) throw new CoreRejection("expired");
    if (
      claims.nbf !== undefined &&
      (typeof claims.nbf !== "number" || claims.nbf - settings.leewaySeconds > now)
    )
      throw new CoreRejection("nbf");
    const permissions = claims.permissions;
    if (!Array.isArray(permissions) || permissions.some((item) => typeof item !== "string"))
      throw new CoreRejection("permissions");
    if (typeof claims.organisationId !== "string") throw new CoreRejection("organisationId");
    return { permissions: permissions as string[], organisationId: claims.organisationId };
  };
}

const CORE: CoreSettings = { issuer: BASE, audience: APP_AUDIENCE, leewaySeconds: 30 };

// ---------------------------------------------------------------------------------------------------

/** What a refusal must not change: signing keys and mappings. */
async function keysAndMappings() {
  const [keys, mappings, tenants] = await Promise.all([
    db.signingKey.findMany({
      select: { kid: true, status: true, version: true, retiringAt: true },
      orderBy: { kid: "asc" },
    }),
    db.mapping.findMany({ select: { id: true, version: true }, orderBy: { id: "asc" } }),
    db.tenant.findMany({ select: { slug: true, revision: true, status: true }, orderBy: { slug: "asc" } }),
  ]);
  return { keys, mappings, tenants };
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  const idpJwk = publicJwkOf(idpKeys.publicKey, IDP_KID);
  idp = http.createServer((req, res) => {
    idpRequests.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` }));
    } else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [idpJwk] }));
    else res.writeHead(404).end("{}");
  });
  issuer = await listen(idp);
  // Somewhere a token's jku/x5u header points: the STS must never ask it anything.
  const strangerJwk = publicJwkOf(strangerKeys.publicKey, "stranger");
  attacker = http.createServer((req, res) => {
    attackerRequests.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [strangerJwk] }));
  });
  attackerUrl = await listen(attacker);

  for (const name of [
    "STS_TOKEN_ISSUER",
    "STS_TOKEN_AUDIENCE",
    "STS_TOKEN_TTL_SECONDS",
    "STS_JWKS_PUBLISH_LEAD",
    "STS_ACCEPT_ID_TOKEN",
    "STS_IAM_ISSUER",
    "STS_IAM_ALGORITHMS",
    "STS_ROLE_PATH",
    "STS_GROUPS_PATH",
  ]) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: "console",
    OIDC_CLIENT_SECRET: "secret",
    NEXTAUTH_SECRET: "x".repeat(40),
    STS_KEY_ENCRYPTION_KEY: KEK.toString("base64"),
    STS_IAM_AUDIENCE: AUDIENCE,
    STS_PUBLIC_URL: BASE,
    // Burst of 10 per address; every request here comes from its own address unless a test says so.
    STS_TOKEN_RATE_LIMIT: "5",
  });
  db = await openWorld();
  // No key signs until one is promoted; the first one may be promoted at once (no verifier knows any).
  await ensureActiveKey(db, await contextOf(db, "bootstrap"), getConfig());
});

afterAll(async () => {
  await closeMachineRuntime();
  await db.$disconnect();
  await new Promise((resolve) => idp.close(resolve));
  await new Promise((resolve) => attacker.close(resolve));
});

// ---------------------------------------------------------------------------------------------------

describe("token exchange: an IAM access token for an app token", () => {
  it("issues an EdDSA app token whose claims are exactly the mapped access", async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await issuedToken(await exchange(iamToken()));
    const claims = await verifyApp(token);
    const header = decodeProtectedHeader(token);
    const active = await db.signingKey.findFirstOrThrow({ where: { status: "ACTIVE" } });
    expect(header.kid).toBe(active.kid);

    const auditorPermissions = await rolePermissions("read-only-auditor");
    expect(auditorPermissions.length).toBeGreaterThan(5);
    expect([...claims.permissions].sort()).toEqual(auditorPermissions);
    expect(new Set(claims.permissions).size).toBe(claims.permissions.length);
    expect(claims.permissions).toContain("STS_IAM_ROLE_LIST");
    expect(claims.roles).toEqual(["read-only-auditor"]);
    expect(claims.organisationId).toBe(ACME_ID);
    expect(claims.tenant).toEqual({ id: ACME_ID, slug: "acme" });
    expect(claims.iss).toBe(BASE);
    expect(claims.aud).toBe(APP_AUDIENCE);
    expect(claims.sub).toBe("alice");
    expect(claims.exp - claims.iat).toBe(TTL);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect({
      name: claims.name,
      given_name: claims.given_name,
      family_name: claims.family_name,
      email: claims.email,
    }).toEqual({
      name: "Alice Auditor",
      given_name: "Alice",
      family_name: "Auditor",
      email: "alice@acme.example",
    });
    // The bitmask is the catalog bits of exactly these permissions.
    expect(claims.permissionsBitmask).toBeDefined();
    expect(decodeBitmask(claims.permissionsBitmask!)).toEqual(await catalogBits(claims.permissions));
  });

  it("takes the tenant as resource=urn:sts:tenant:<slug>", async () => {
    const claims = await verifyApp(
      await issuedToken(await exchange(iamToken(), { resource: "urn:sts:tenant:acme" })),
    );
    expect(claims.organisationId).toBe(ACME_ID);
    expect(claims.tenant).toEqual({ id: ACME_ID, slug: "acme" });
  });

  it("takes the tenant by id", async () => {
    const claims = await verifyApp(await issuedToken(await exchange(iamToken(), { tenant: ACME_ID })));
    expect(claims.tenant).toEqual({ id: ACME_ID, slug: "acme" });
    expect(claims.roles).toEqual(["read-only-auditor"]);
  });

  it("unions roles and groups, leaves unmapped ones out, and copies no other IAM claims", async () => {
    const claims = await verifyApp(
      await issuedToken(
        await exchange(
          iamToken({
            roles: ["employee"],
            groups: ["acme-auditors", "acme-support", "nobody-knows-me"],
            preferred_username: "alice",
            email: undefined,
          }),
        ),
      ),
    );
    expect(claims.roles).toEqual(["read-only-auditor", "support-desk"]);
    const expected = new Set([
      ...(await rolePermissions("read-only-auditor")),
      ...(await rolePermissions("support-desk", ACME_ID)),
    ]);
    expect([...claims.permissions].sort()).toEqual([...expected].sort());
    expect(claims.email).toBeUndefined();
  });

  it("refuses tenant and resource naming different organisations (invalid_target)", async () => {
    await expectRefusal(
      await exchange(iamToken(), { tenant: "acme", resource: "urn:sts:tenant:initech" }),
      "invalid_target",
    );
    await expectRefusal(
      await exchange(iamToken(), { resource: "https://core.example/api" }),
      "invalid_target",
    );
    await expectRefusal(await exchange(iamToken(), {}), "invalid_request", { description: /tenant/ });
  });
});

describe("the core's validator (a test double written from PROCIVIS.md)", () => {
  let token: string;
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;
  let signer: Signer;

  beforeAll(async () => {
    token = await issuedToken(await exchange(iamToken()));
    claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    // The ACTIVE private key, decrypted as the STS does: variants below differ in one respect only.
    const active = await db.signingKey.findFirstOrThrow({ where: { status: "ACTIVE" } });
    const der = decryptPrivateKey(active.privateKeyEncrypted, KEK, active.kid);
    signer = ed25519(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
  });

  it("accepts our token and reads permissions and organisationId", async () => {
    const validate = coreValidator(await publishedJwks(), CORE);
    const read = validate(token);
    expect(read.organisationId).toBe(ACME_ID);
    expect([...read.permissions].sort()).toEqual(await rolePermissions("read-only-auditor"));
    // Still valid within the leeway after exp, and not before nbf minus the leeway.
    expect(() => validate(token, (claims.exp as number) + CORE.leewaySeconds - 1)).not.toThrow();
    expect(() => validate(token, (claims.exp as number) + CORE.leewaySeconds + 1)).toThrow(CoreRejection);
    expect(() => validate(token, (claims.nbf as number) - CORE.leewaySeconds - 1)).toThrow(CoreRejection);
    // The same header and claims re-signed with the key are accepted: the variants differ only where meant.
    expect(validate(jws(header, claims, signer)).organisationId).toBe(ACME_ID);
  });

  const variants: [
    string,
    (header: Record<string, unknown>, claims: Record<string, unknown>) => void,
    string,
  ][] = [
    ["alg Ed25519 instead of EdDSA", (h) => (h.alg = "Ed25519"), "alg"],
    ["alg ES256", (h) => (h.alg = "ES256"), "alg"],
    ["no kid", (h) => delete h.kid, "kid required"],
    ["a kid not in the JWKS", (h) => (h.kid = "not-published"), "unknown kid"],
    ["another iss", (_h, c) => (c.iss = `${BASE}/`), "iss"],
    ["another aud", (_h, c) => (c.aud = "other-core"), "aud"],
    ["no exp", (_h, c) => delete c.exp, "exp required"],
    ["an exp long past", (_h, c) => (c.exp = Math.floor(Date.now() / 1000) - 3600), "expired"],
    ["nbf an hour ahead", (_h, c) => (c.nbf = Math.floor(Date.now() / 1000) + 3600), "nbf"],
  ];

  it.each(variants)("rejects a token with %s", async (_label, change, reason) => {
    const validate = coreValidator(await publishedJwks(), CORE);
    const changedHeader = { ...header };
    const changedClaims = { ...claims };
    change(changedHeader, changedClaims);
    expect(() => validate(jws(changedHeader, changedClaims, signer))).toThrow(new CoreRejection(reason));
  });

  it("rejects a tampered signature", async () => {
    const validate = coreValidator(await publishedJwks(), CORE);
    const tampered = jws(
      header,
      { ...claims, organisationId: "2e9d8b7a-6c5f-4e3d-8a1b-0c9f8e7d6a02" },
      signer,
    );
    const [h, p] = tampered.split(".");
    expect(() => validate(`${h}.${p}.${token.split(".")[2]}`)).toThrow(new CoreRejection("signature"));
  });
});

describe("JWKS and metadata", () => {
  it("publishes only OKP/Ed25519 EdDSA keys, exactly the NEXT, ACTIVE and RETIRING ones", async () => {
    const jwks = await publishedJwks();
    const rows = await db.signingKey.findMany({
      where: { status: { in: ["NEXT", "ACTIVE", "RETIRING"] } },
      select: { kid: true },
    });
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual(rows.map((row) => row.kid).sort());
    for (const key of jwks.keys) {
      expect(key).toEqual({
        kty: "OKP",
        crv: "Ed25519",
        x: expect.any(String),
        kid: expect.any(String),
        alg: "EdDSA",
        use: "sig",
      });
      // RFC 7638 thumbprint as kid.
      const thumbprint = createHash("sha256")
        .update(JSON.stringify({ crv: key.crv, kty: key.kty, x: key.x }))
        .digest("base64url");
      expect(key.kid).toBe(thumbprint);
    }
    const response = await handleJwks();
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toMatch(/max-age=\d+/);
  });

  it("never publishes a key of another type, even if the database holds one", async () => {
    const runtime = await getMachineRuntime();
    const now = new Date();
    await db.signingKey.createMany({
      data: [
        {
          kid: "rsa-row",
          alg: "RS256",
          publicJwk: publicJwkOf(strangerKeys.publicKey, "rsa-row"),
          privateKeyEncrypted: "v1.x.y.z",
          status: "RETIRING",
          retiringAt: now,
        },
        {
          kid: "mislabelled-row",
          alg: "EdDSA",
          publicJwk: publicJwkOf(strangerKeys.publicKey, "mislabelled-row"),
          privateKeyEncrypted: "v1.x.y.z",
          status: "RETIRING",
          retiringAt: now,
        },
      ],
    });
    try {
      runtime.keys.invalidate();
      const jwks = await publishedJwks();
      expect(jwks.keys.map((key) => key.kid)).not.toContain("rsa-row");
      expect(jwks.keys.map((key) => key.kid)).not.toContain("mislabelled-row");
      expect(jwks.keys.every((key) => key.kty === "OKP" && key.crv === "Ed25519")).toBe(true);
      expect(() => coreValidator(jwks, CORE)).not.toThrow();
    } finally {
      await db.signingKey.deleteMany({ where: { kid: { in: ["rsa-row", "mislabelled-row"] } } });
      runtime.keys.invalidate();
    }
  });

  it("serves the authorization server metadata", async () => {
    const response = await handleMetadata();
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: BASE,
      token_endpoint: `${BASE}/api/sts/token/v1`,
      jwks_uri: `${BASE}/.well-known/jwks.json`,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([EXCHANGE, "client_credentials"]));
  });
});

describe("refusals: RFC 6749 errors, no token, nothing changed", () => {
  let before: Awaited<ReturnType<typeof keysAndMappings>>;
  let ownToken: string;

  beforeAll(async () => {
    ownToken = await issuedToken(await exchange(iamToken()));
    // A tenant where the auditors are mapped, then disabled.
    const boot = await contextOf(db, "bootstrap");
    await createTenant(db, boot, { slug: "umbrella", name: "Umbrella" });
    const auditor = await db.role.findFirstOrThrow({ where: { key: "read-only-auditor", tenantId: null } });
    await createMappings(db, boot, "umbrella", { subject: "acme-auditors", roleIds: [auditor.id] });
    await settle();
    // While enabled it works: the refusal below is due to the status alone.
    await issuedToken(await exchange(iamToken(), { tenant: "umbrella" }));
    const umbrella = await db.tenant.findUniqueOrThrow({ where: { slug: "umbrella" } });
    await updateTenant(db, boot, "umbrella", { version: umbrella.version, status: "DISABLED" });
    await settle();
  });

  beforeEach(async () => {
    before = await keysAndMappings();
  });

  afterEach(async () => {
    expect(await keysAndMappings()).toEqual(before);
  });

  it("alg none", async () => {
    const token = `${b64({ alg: "none", typ: "at+jwt" })}.${b64(userClaims())}.`;
    await expectRefusal(await exchange(token), "invalid_request", { description: /alg|signature/ });
    const unsigned = `${b64({ alg: "none", kid: IDP_KID })}.${b64(userClaims())}.${"A".repeat(10)}`;
    await expectRefusal(await exchange(unsigned), "invalid_request", { description: /alg/ });
  });

  it("HS256 signed with the IdP's public key as the HMAC secret", async () => {
    const pem = idpKeys.publicKey.export({ format: "pem", type: "spki" });
    const token = jws({ alg: "HS256", kid: IDP_KID, typ: "at+jwt" }, userClaims(), (input) =>
      createHmac("sha256", pem).update(input).digest(),
    );
    await expectRefusal(await exchange(token), "invalid_request", { description: /alg/ });
  });

  it("an unknown kid", async () => {
    const fetchesBefore = idpRequests.filter((url) => url === "/jwks").length;
    const token = iamToken({}, { ...IDP_HEADER, kid: "rotated-away" });
    await expectRefusal(await exchange(token), "invalid_request", { description: /kid/ });
    // At most one refetch of the IdP's JWKS (then the cooldown applies).
    expect(idpRequests.filter((url) => url === "/jwks").length - fetchesBefore).toBeLessThanOrEqual(1);
  });

  it("a kid like a path (../../etc/passwd)", async () => {
    const token = iamToken({}, { ...IDP_HEADER, kid: "../../etc/passwd" });
    await expectRefusal(await exchange(token), "invalid_request", { description: /kid/ });
  });

  it("a kid like SQL (' OR 1=1 --)", async () => {
    const token = iamToken({}, { ...IDP_HEADER, kid: "' OR 1=1 --" });
    await expectRefusal(await exchange(token), "invalid_request", { description: /kid/ });
  });

  it("a jku header pointing at another server (never contacted)", async () => {
    const foreign = jws(
      { alg: "RS256", kid: "stranger", typ: "at+jwt", jku: `${attackerUrl}/jwks`, x5u: `${attackerUrl}/x5u` },
      userClaims(),
      rs256(strangerKeys.privateKey),
    );
    await expectRefusal(await exchange(foreign), "invalid_request", { description: /kid/ });
    const known = jws(
      { ...IDP_HEADER, jku: `${attackerUrl}/jwks` },
      userClaims(),
      rs256(strangerKeys.privateKey),
    );
    await expectRefusal(await exchange(known), "invalid_request", { description: /signature/ });
    expect(attackerRequests).toEqual([]);
  });

  it("an embedded jwk header with the signer's own key", async () => {
    const token = jws(
      { ...IDP_HEADER, jwk: publicJwkOf(strangerKeys.publicKey, IDP_KID) },
      userClaims(),
      rs256(strangerKeys.privateKey),
    );
    await expectRefusal(await exchange(token), "invalid_request", { description: /signature/ });
  });

  it("an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefusal(await exchange(iamToken({ iat: now - 7200, exp: now - 3600 })), "invalid_request", {
      description: /expired/,
    });
  });

  it("nbf in the future", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefusal(await exchange(iamToken({ nbf: now + 3600, exp: now + 7200 })), "invalid_request", {
      description: /not valid yet/,
    });
  });

  it("a wrong iss", async () => {
    await expectRefusal(await exchange(iamToken({ iss: `${issuer}/other` })), "invalid_request", {
      description: /not issued by/,
    });
  });

  it("a wrong aud", async () => {
    await expectRefusal(await exchange(iamToken({ aud: "api://someone-else" })), "invalid_request", {
      description: /audience/,
    });
    // An ID token's audience (the console's client id) is not the API either.
    await expectRefusal(await exchange(iamToken({ aud: "console" })), "invalid_request", {
      description: /audience/,
    });
  });

  it("a missing aud", async () => {
    const token = jws(IDP_HEADER, without(userClaims(), "aud"), rs256(idpKeys.privateKey));
    await expectRefusal(await exchange(token), "invalid_request", { description: /aud/ });
  });

  it("a missing exp", async () => {
    const token = jws(IDP_HEADER, without(userClaims(), "exp"), rs256(idpKeys.privateKey));
    await expectRefusal(await exchange(token), "invalid_request", { description: /exp/ });
  });

  it('crit: ["foo"]', async () => {
    const token = iamToken({}, { ...IDP_HEADER, crit: ["foo"], foo: 1 });
    await expectRefusal(await exchange(token), "invalid_request", { description: /critical/ });
  });

  it("a signature by a key not in the JWKS under a known kid", async () => {
    const token = jws(IDP_HEADER, userClaims(), rs256(strangerKeys.privateKey));
    await expectRefusal(await exchange(token), "invalid_request", { description: /signature/ });
  });

  it("truncated tokens", async () => {
    const token = iamToken();
    const [h, p] = token.split(".");
    for (const truncated of [token.slice(0, -12), `${h}.${p}`, `${h}.${p}.`, h!, token.slice(0, 40)]) {
      await expectRefusal(await exchange(truncated), "invalid_request", { description: /rejected/ });
    }
  });

  it("garbled tokens", async () => {
    const token = iamToken();
    const [h, p, s] = token.split(".");
    const flipped = `${p!.slice(0, 20)}${p![20] === "A" ? "B" : "A"}${p!.slice(21)}`;
    for (const garbled of [
      `${h}.${flipped}.${s}`,
      `${h}.${p}.${s!.split("").reverse().join("")}`,
      `${h}.%%%%.${s}`,
      `${b64("not an object")}.${p}.${s}`,
      `${h}.${Buffer.from("{not json").toString("base64url")}.${s}`,
      "not-a-jwt",
      `${token}.${s}`,
      " ".repeat(10),
    ]) {
      await expectRefusal(await exchange(garbled), "invalid_request");
    }
  });

  it("a 1 MB token", async () => {
    const huge = `${b64(IDP_HEADER)}.${"A".repeat(1024 * 1024)}.${"B".repeat(342)}`;
    await expectRefusal(await exchange(huge), "invalid_request", { status: 413, description: /exceeds/ });
    // Just under the body limit, the verifier's own size limit refuses it before any parsing.
    const large = `${b64(IDP_HEADER)}.${"A".repeat(40 * 1024)}.${"B".repeat(342)}`;
    await expectRefusal(await exchange(large), "invalid_request", { description: /larger than/ });
  });

  it("a chunked body without content-length is cut off at the body limit", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode("a".repeat(16 * 1024));
    // 16 MiB in chunks, no content-length: the endpoint must stop reading long before the end.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 16 * 1024 * 1024) {
          controller.close();
          return;
        }
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const answer = await post(stream, {}, { duplex: "half" } as Partial<RequestInit>);
    await expectRefusal(answer, "invalid_request", { status: 413, description: /exceeds/ });
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it("a wrong grant_type (unsupported_grant_type)", async () => {
    const form = new URLSearchParams({
      grant_type: "password",
      username: "alice",
      password: "x",
      subject_token: iamToken(),
      subject_token_type: ACCESS,
      tenant: "acme",
    });
    await expectRefusal(await post(form.toString()), "unsupported_grant_type");
    await expectRefusal(await post("subject_token=x&tenant=acme"), "invalid_request", {
      description: /grant_type/,
    });
  });

  it("a missing subject_token_type (invalid_request)", async () => {
    const form = new URLSearchParams({ grant_type: EXCHANGE, subject_token: iamToken(), tenant: "acme" });
    await expectRefusal(await post(form.toString()), "invalid_request", {
      description: /subject_token_type/,
    });
    const missingToken = new URLSearchParams({
      grant_type: EXCHANGE,
      subject_token_type: ACCESS,
      tenant: "acme",
    });
    await expectRefusal(await post(missingToken.toString()), "invalid_request", {
      description: /subject_token/,
    });
    const idType = exchangeForm(iamToken()).replace(
      encodeURIComponent(ACCESS),
      encodeURIComponent("urn:ietf:params:oauth:token-type:id_token"),
    );
    await expectRefusal(await post(idType), "invalid_request", { description: /subject_token_type/ });
  });

  it("a repeated parameter", async () => {
    const token = iamToken();
    await expectRefusal(await post(`${exchangeForm(token)}&tenant=initech`), "invalid_request", {
      description: /repeated/,
    });
    await expectRefusal(
      await post(`${exchangeForm(token)}&subject_token=${encodeURIComponent(iamToken({ sub: "mallory" }))}`),
      "invalid_request",
      { description: /repeated/ },
    );
  });

  it("a compressed body (invalid_request, 415)", async () => {
    const form = exchangeForm(iamToken()).toString();
    await expectRefusal(await post(gzipSync(form), { "content-encoding": "gzip" }), "invalid_request", {
      status: 415,
      description: /compressed/,
    });
    // Identity is no encoding at all: the same form goes through.
    await issuedToken(await post(form, { "content-encoding": "identity" }));
  });

  it("a JSON body instead of a form (invalid_request)", async () => {
    const body = JSON.stringify({
      grant_type: EXCHANGE,
      subject_token: iamToken(),
      subject_token_type: ACCESS,
      tenant: "acme",
    });
    await expectRefusal(await post(body, { "content-type": "application/json" }), "invalid_request", {
      description: /form-encoded/,
    });
  });

  it("an unknown tenant (invalid_target)", async () => {
    await expectRefusal(await exchange(iamToken(), { tenant: "no-such-tenant" }), "invalid_target");
    await expectRefusal(
      await exchange(iamToken(), { tenant: "00000000-0000-4000-8000-000000000000" }),
      "invalid_target",
    );
    await expectRefusal(await exchange(iamToken(), { resource: "urn:sts:tenant:no-such" }), "invalid_target");
  });

  it("a tenant where the user has nothing mapped (invalid_target)", async () => {
    await expectRefusal(await exchange(iamToken(), { tenant: "initech" }), "invalid_target", {
      description: /Nothing is mapped/,
    });
    await expectRefusal(await exchange(iamToken({ groups: ["marketing"] })), "invalid_target", {
      description: /Nothing is mapped/,
    });
  });

  it("a disabled tenant (invalid_target)", async () => {
    await expectRefusal(await exchange(iamToken(), { tenant: "umbrella" }), "invalid_target", {
      description: /disabled/,
    });
  });

  it("our own app token presented as subject token", async () => {
    await expectRefusal(await exchange(ownToken), "invalid_request", { description: /issued by this STS/ });
  });

  it("an ID-token-shaped token with the access-token type", async () => {
    const idToken = jws(
      { alg: "RS256", kid: IDP_KID, typ: "JWT" },
      userClaims({ nonce: "n-0S6_WzA2Mj", at_hash: "77QmUPtjPfzWtF2AnpK9RQ", azp: "console" }),
      rs256(idpKeys.privateKey),
    );
    await expectRefusal(await exchange(idToken), "invalid_request", { description: /ID tokens/ });
  });
});

describe("client_credentials for registered technical clients", () => {
  let secret: string;
  let unmappedSecret: string;

  beforeAll(async () => {
    const boot = await contextOf(db, "bootstrap");
    secret = (await registerClient(db, boot, { clientId: "acme-batch", name: "Acme batch", tenant: "acme" }))
      .clientSecret;
    unmappedSecret = (
      await registerClient(db, boot, { clientId: "acme-idle", name: "Acme idle", tenant: "acme" })
    ).clientSecret;
    const verifier = await db.role.findFirstOrThrow({ where: { key: "verifier", tenantId: null } });
    await createMappings(db, boot, "acme", {
      subjectType: "CLIENT",
      subject: "acme-batch",
      roleIds: [verifier.id],
    });
    await settle();
  });

  const basic = (clientId: string, password: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(password)}`).toString("base64")}`;

  async function expectClientToken(answer: TokenAnswer): Promise<void> {
    const claims = await verifyApp(await issuedToken(answer));
    expect(claims.sub).toBe("acme-batch");
    expect(claims.roles).toEqual(["verifier"]);
    expect([...claims.permissions].sort()).toEqual(await rolePermissions("verifier"));
    expect(claims.organisationId).toBe(ACME_ID);
    expect(claims.tenant).toEqual({ id: ACME_ID, slug: "acme" });
    expect(claims.name).toBeUndefined();
    expect(
      coreValidator(await publishedJwks(), CORE)(answer.body.access_token as string).organisationId,
    ).toBe(ACME_ID);
  }

  it("issues a token with Basic authentication", async () => {
    await expectClientToken(
      await post("grant_type=client_credentials&tenant=acme", { authorization: basic("acme-batch", secret) }),
    );
    // Without a tenant, the client's own organisation.
    await expectClientToken(
      await post("grant_type=client_credentials", { authorization: basic("acme-batch", secret) }),
    );
  });

  it("issues a token with client_secret_post", async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "acme-batch",
      client_secret: secret,
      resource: "urn:sts:tenant:acme",
    });
    await expectClientToken(await post(form.toString()));
  });

  it("refuses a wrong secret with 401 invalid_client and WWW-Authenticate", async () => {
    for (const answer of [
      await post("grant_type=client_credentials", { authorization: basic("acme-batch", `${secret}x`) }),
      await post(`grant_type=client_credentials&client_id=acme-batch&client_secret=sts_wrong`),
      await post("grant_type=client_credentials", { authorization: basic("ghost", secret) }),
      await post("grant_type=client_credentials"),
    ]) {
      await expectRefusal(answer, "invalid_client", { status: 401 });
      expect(answer.headers.get("www-authenticate")).toMatch(/^Basic /);
    }
  });

  it("refuses two ways of client authentication at once", async () => {
    await expectRefusal(
      await post(
        `grant_type=client_credentials&client_id=acme-batch&client_secret=${encodeURIComponent(secret)}`,
        {
          authorization: basic("acme-batch", secret),
        },
      ),
      "invalid_request",
    );
  });

  it("refuses a client without CLIENT mappings (invalid_target)", async () => {
    await expectRefusal(
      await post("grant_type=client_credentials", { authorization: basic("acme-idle", unmappedSecret) }),
      "invalid_target",
      { description: /Nothing is mapped/ },
    );
  });

  it("refuses another tenant (invalid_target)", async () => {
    await expectRefusal(
      await post("grant_type=client_credentials&tenant=initech", {
        authorization: basic("acme-batch", secret),
      }),
      "invalid_target",
      { description: /another organisation/ },
    );
    await expectRefusal(
      await post("grant_type=client_credentials&resource=urn:sts:tenant:initech", {
        authorization: basic("acme-batch", secret),
      }),
      "invalid_target",
    );
  });
});

describe("key rotation", () => {
  it("publishes a NEXT key for the lead time, keeps a RETIRING key until its tokens expired", async () => {
    const config = getConfig();
    expect(config.STS_JWKS_PUBLISH_LEAD).toBe(3600);
    const boot = await contextOf(db, "bootstrap");
    const oldKid = (await db.signingKey.findFirstOrThrow({ where: { status: "ACTIVE" } })).kid;
    const oldToken = await issuedToken(await exchange(iamToken()));
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    const next = await createNextKey(db, boot, config);
    expect(next.status).toBe("NEXT");
    const publishedAt = new Date(next.publishedAt).getTime();
    expect(new Date(next.promotableAt!).getTime()).toBe(publishedAt + 3600 * 1000);
    await settle();
    let jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual([oldKid, next.kid].sort());
    // Published but not signing.
    expect(decodeProtectedHeader(await issuedToken(await exchange(iamToken()))).kid).toBe(oldKid);

    // Refused until the lead has passed.
    await expect(promoteKey(db, boot, config, next.kid, { version: next.version })).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      promoteKey(db, boot, config, next.kid, { version: next.version }, new Date(publishedAt + 3599 * 1000)),
    ).rejects.toMatchObject({ status: 409 });
    expect((await db.signingKey.findUniqueOrThrow({ where: { kid: next.kid } })).status).toBe("NEXT");

    const promotedAt = new Date(publishedAt + 3600 * 1000 + 1000);
    const promoted = await promoteKey(db, boot, config, next.kid, { version: next.version }, promotedAt);
    expect(promoted.status).toBe("ACTIVE");
    const old = await db.signingKey.findUniqueOrThrow({ where: { kid: oldKid } });
    expect(old.status).toBe("RETIRING");
    expect(old.retiringAt?.getTime()).toBe(promotedAt.getTime());
    await settle();

    jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual([oldKid, next.kid].sort());
    expect((await verifyApp(oldToken, jwks)).organisationId).toBe(ACME_ID);
    expect(coreValidator(jwks, CORE)(oldToken).organisationId).toBe(ACME_ID);
    const newToken = await issuedToken(await exchange(iamToken()));
    expect(decodeProtectedHeader(newToken).kid).toBe(next.kid);
    expect((await verifyApp(newToken, jwks)).organisationId).toBe(ACME_ID);

    // Not before TTL + grace after the promotion...
    const grace = (config.STS_TOKEN_TTL_SECONDS + RETIRE_GRACE_SECONDS) * 1000;
    expect(
      await inTransaction(db, (tx) =>
        retireExpiredKeys(tx, config, new Date(promotedAt.getTime() + grace - 1000)),
      ),
    ).toEqual([]);
    // ...then it is retired and unpublished.
    expect(
      await inTransaction(db, (tx) =>
        retireExpiredKeys(tx, config, new Date(promotedAt.getTime() + grace + 1000)),
      ),
    ).toEqual([oldKid]);
    await settle();
    jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual([next.kid]);
    await expect(verifyApp(oldToken, jwks)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
    expect(() => coreValidator(jwks, CORE)(oldToken)).toThrow(new CoreRejection("unknown kid"));
    expect((await verifyApp(newToken, jwks)).organisationId).toBe(ACME_ID);
    const audit = await db.auditEvent.findMany({
      where: {
        action: { in: ["key.create", "key.promote", "key.retire"] },
        targetId: { in: [oldKid, next.kid] },
      },
      select: { action: true },
    });
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(["key.create", "key.promote", "key.retire"]),
    );
  });
});

describe("mapping changes", () => {
  it("are reflected by the next exchange", async () => {
    const token = () => iamToken({ sub: "carl", groups: ["acme-contractors"] });
    await expectRefusal(await exchange(token()), "invalid_target");
    const boot = await contextOf(db, "bootstrap");
    const support = await db.role.findFirstOrThrow({ where: { key: "support-desk", tenantId: ACME_ID } });
    const [mapping] = await createMappings(db, boot, "acme", {
      subject: "acme-contractors",
      roleIds: [support.id],
    });
    await settle();
    const claims = await verifyApp(await issuedToken(await exchange(token())));
    expect(claims.roles).toEqual(["support-desk"]);
    expect([...claims.permissions].sort()).toEqual(await rolePermissions("support-desk", ACME_ID));
    await deleteMapping(db, boot, "acme", mapping!.id, { version: mapping!.version });
    await settle();
    await expectRefusal(await exchange(token()), "invalid_target", { description: /Nothing is mapped/ });
  });
});

describe("rate limit", () => {
  it("answers 429 temporarily_unavailable once an address used its burst", async () => {
    const limit = getConfig().STS_TOKEN_RATE_LIMIT;
    expect(limit).toBe(5);
    const from = { [CLIENT_IP_HEADER]: "192.0.2.99" };
    // The burst (twice the rate) at once; cheap requests, each refused for its grant type.
    const burst = await Promise.all(Array.from({ length: limit * 2 }, () => post("grant_type=bogus", from)));
    expect(burst.map((answer) => answer.status)).toEqual(Array.from({ length: limit * 2 }, () => 400));
    const limited = await post(exchangeForm(iamToken()), from);
    await expectRefusal(limited, "temporarily_unavailable", { status: 429 });
    expect(limited.headers.get("retry-after")).toBe("1");
    // Other addresses are not affected; the address recovers as its bucket refills.
    await issuedToken(await exchange(iamToken()));
    await pause(450);
    await issuedToken(await post(exchangeForm(iamToken()), from));
  });

  it("refills at the configured rate, per key (RateLimiter)", () => {
    const limiter = new RateLimiter(2);
    const t0 = 1_000_000;
    expect(Array.from({ length: 5 }, () => limiter.take("a", t0))).toEqual([true, true, true, true, false]);
    expect(limiter.take("b", t0)).toBe(true);
    expect(limiter.take("a", t0 + 400)).toBe(false);
    expect(limiter.take("a", t0 + 500)).toBe(true);
    expect(limiter.take("a", t0 + 500)).toBe(false);
    // Never more than the burst, however long the pause.
    expect(Array.from({ length: 5 }, () => limiter.take("a", t0 + 60_000))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe("activity", () => {
  it("records ok and denied exchanges with error codes, and never a token", async () => {
    await (await getMachineRuntime()).activity.flush();
    const rows = await db.activityEvent.findMany({
      where: { kind: "token_exchange" },
      select: { tenantId: true, subject: true, clientId: true, result: true, errorCode: true, jtiHash: true },
    });
    const ok = rows.filter((row) => row.result === "ok");
    const denied = rows.filter((row) => row.result === "denied");
    expect(ok.length).toBeGreaterThanOrEqual(10);
    expect(denied.length).toBeGreaterThanOrEqual(30);
    for (const row of ok) {
      expect(row.jtiHash).toMatch(HEX64);
      expect(row.tenantId).not.toBeNull();
      expect(row.errorCode).toBe("");
    }
    expect(ok).toContainEqual({
      tenantId: ACME_ID,
      subject: "alice",
      clientId: "",
      result: "ok",
      errorCode: "",
      jtiHash: expect.stringMatching(HEX64),
    });
    expect(ok).toContainEqual(expect.objectContaining({ subject: "acme-batch", clientId: "acme-batch" }));
    // The jti of a token we verified, hashed; never the jti itself.
    const hashes = new Set(ok.map((row) => row.jtiHash));
    expect(issuedJtis.length).toBeGreaterThan(0);
    for (const jti of issuedJtis) {
      expect(hashes.has(createHash("sha256").update(jti).digest("hex"))).toBe(true);
      expect(hashes.has(jti)).toBe(false);
    }
    expect(new Set(denied.map((row) => row.errorCode))).toEqual(
      new Set([
        "invalid_request",
        "invalid_target",
        "unsupported_grant_type",
        "invalid_client",
        "temporarily_unavailable",
      ]),
    );
    for (const row of denied) {
      expect(row.jtiHash).toBe("");
      // The organisation is recorded once the request named one that exists: a refusal there.
      if (row.errorCode !== "invalid_target") expect(row.tenantId).toBeNull();
    }
    expect(denied.some((row) => row.errorCode === "invalid_target" && row.tenantId !== null)).toBe(true);
    // No column holds a token, a jti or anything JWT-like.
    const columns = rows.flatMap((row) => [row.subject, row.clientId, row.errorCode, row.jtiHash]);
    for (const value of columns) {
      expect(value).not.toMatch(/eyJ/);
      expect(issuedJtis).not.toContain(value);
    }
    for (const token of issuedTokens) {
      const [, payload = "", signature = ""] = token.split(".");
      for (const value of columns) {
        expect(value.includes(payload.slice(0, 24))).toBe(false);
        expect(value.includes(signature.slice(0, 24))).toBe(false);
      }
    }
    const audit = await db.auditEvent.findMany({ select: { before: true, after: true } });
    const auditText = JSON.stringify(audit);
    for (const token of issuedTokens) expect(auditText).not.toContain(token.split(".")[2]);
  });
});
