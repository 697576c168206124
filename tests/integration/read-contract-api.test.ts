/**
 * The machine API of the read contract through its real handlers (the same ones the lean server and
 * the Next.js routes call): snapshot with ETag/304, resolve with provenance, Basic client credentials
 * and real signed IAM bearer tokens, and every refusal with the database unchanged.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { registerClient, revokeClient, rotateClientSecret } from "@/server/clients/manage-clients";
import { GZIP_MIN_BYTES } from "@/server/http/content-encoding";
import { handleResolve, handleSnapshot } from "@/server/machine-api/machine-handlers";
import { closeMachineRuntime } from "@/server/machine-api/machine-runtime";
import { createMappings } from "@/server/mappings/create-mappings";
import { contextOf, openWorld } from "../fixtures/console-world";

let db: Db;
let idp: http.Server;
let issuer: string;
let sign: (claims: Record<string, unknown>) => Promise<string>;
const AUDIENCE = "api://sts-test";
const BASE = "http://sts.test";

beforeAll(async () => {
  // A stand-in IdP publishing discovery and a JWKS on loopback; tokens are really signed.
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  idp = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
        }),
      );
    } else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  sign = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test-key", typ: "at+jwt" })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  Object.assign(process.env, {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: "console",
    OIDC_CLIENT_SECRET: "secret",
    NEXTAUTH_SECRET: "x".repeat(40),
    STS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    STS_IAM_AUDIENCE: AUDIENCE,
    STS_PUBLIC_URL: BASE,
  });
  db = await openWorld();
});

afterAll(async () => {
  await closeMachineRuntime();
  await db.$disconnect();
  await new Promise((resolve) => idp.close(resolve));
});

const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`;

function resolveRequest(
  body: unknown,
  authorization?: string,
  contentType = "application/json",
  acceptEncoding?: string,
) {
  return new Request(`${BASE}/api/v1/resolve`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      ...(authorization ? { authorization } : {}),
      ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function snapshotRequest(
  slug: string,
  authorization?: string,
  ifNoneMatch?: string,
  acceptEncoding?: string,
) {
  return new Request(`${BASE}/api/v1/tenants/${slug}/mappings`, {
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(ifNoneMatch ? { "if-none-match": ifNoneMatch } : {}),
      ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}),
    },
  });
}

async function counts() {
  const [mappings, roles, tenants, audit] = await Promise.all([
    db.mapping.count(),
    db.role.count(),
    db.tenant.findMany({ select: { revision: true } }),
    db.auditEvent.count(),
  ]);
  return { mappings, roles, revisions: tenants.map((tenant) => tenant.revision), audit };
}

describe("technical client credentials", () => {
  let acmeReader: { clientId: string; secret: string };

  beforeAll(async () => {
    const boot = await contextOf(db, "bootstrap");
    const registered = await registerClient(db, boot, {
      clientId: "acme-sts",
      name: "Acme STS",
      tenant: "acme",
    });
    acmeReader = { clientId: registered.client.clientId, secret: registered.clientSecret };
    expect(registered.clientSecret).toMatch(/^sts_[\w-]{43}$/);
    const stored = await db.technicalClient.findUniqueOrThrow({ where: { clientId: "acme-sts" } });
    expect(stored.secretHash).not.toContain(registered.clientSecret);
  });

  it("resolves groups with roles, permissions, bitmask and provenance", async () => {
    const response = await handleResolve(
      resolveRequest(
        { tenant: "acme", groups: ["acme-auditors", "acme-support", "nobody-knows-me"] },
        basic(acmeReader.clientId, acmeReader.secret),
      ),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      tenant: { slug: string };
      revision: number;
      roles: string[];
      permissions: string[];
      bitmask: string;
      provenance: Record<string, { subject: string; role: string }[]>;
      unmapped: string[];
    };
    expect(body.tenant.slug).toBe("acme");
    expect(body.roles).toEqual(["read-only-auditor", "support-desk"]);
    expect(body.permissions).toContain("STS_IAM_ROLE_LIST");
    expect(body.provenance.CREDENTIAL_LIST).toEqual([
      { subject: "acme-auditors", role: "read-only-auditor" },
      { subject: "acme-support", role: "support-desk" },
    ]);
    expect(body.unmapped).toEqual(["nobody-knows-me"]);
    const bits = Buffer.from(body.bitmask, "base64url");
    const catalog = await db.permission.findMany({
      where: { key: { in: body.permissions } },
      select: { bit: true },
    });
    for (const { bit } of catalog) expect(bits[bit! >> 3]! & (1 << (bit! & 7))).not.toBe(0);
    expect(body.revision).toBe((await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).revision);
  });

  it("records unmapped groups as observed (batched)", async () => {
    const { getMachineRuntime } = await import("@/server/machine-api/machine-runtime");
    await (await getMachineRuntime()).activity.flush();
    expect(
      await db.observedGroup.findUnique({
        where: { subjectType_subject: { subjectType: "GROUP", subject: "nobody-knows-me" } },
      }),
    ).not.toBeNull();
    expect(
      await db.activityEvent.count({ where: { kind: "machine_api", clientId: "acme-sts", result: "ok" } }),
    ).toBeGreaterThan(0);
    const client = await db.technicalClient.findUniqueOrThrow({ where: { clientId: "acme-sts" } });
    expect(client.lastUsedAt).not.toBeNull();
  });

  it("answers a repeated question from memory only while the answer holds: until a mapping expires or changes", async () => {
    const auth = basic(acmeReader.clientId, acmeReader.secret);
    const { getMachineRuntime } = await import("@/server/machine-api/machine-runtime");
    const { answers } = await getMachineRuntime();
    const ask = async (provenance: boolean) => {
      const response = await handleResolve(
        resolveRequest({ tenant: "acme", groups: ["acme-interim", "acme-auditors"], provenance }, auth),
      );
      expect(response.status).toBe(200);
      return (await response.json()) as { roles: string[]; unmapped: string[]; revision: number };
    };
    const boot = await contextOf(db, "bootstrap");
    const verifier = await db.role.findFirstOrThrow({ where: { key: "verifier", tenantId: null } });
    const expiresAt = Date.now() + 2_500;
    await createMappings(db, boot, "acme", {
      subject: "acme-interim",
      roleIds: [verifier.id],
      expiresAt: new Date(expiresAt).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = answers.size;
    const fresh = await ask(true);
    expect(fresh.roles).toContain("verifier");
    expect(fresh.unmapped).toEqual([]);
    expect(answers.size).toBe(before + 1);
    // Asked again: the same answer, from memory (nothing new remembered); the lean answer is its own entry.
    expect(await ask(true)).toEqual(fresh);
    expect(answers.size).toBe(before + 1);
    expect((await ask(false)).roles).toContain("verifier");
    expect(answers.size).toBe(before + 2);

    // The mapping expires: the remembered answer ends with it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const expired = await ask(true);
    expect(expired.roles).not.toContain("verifier");
    expect(expired.unmapped).toEqual(["acme-interim"]);
    expect(expired.revision).toBe(fresh.revision);

    // A change is a new revision and a new index: the next answer reflects it at once.
    const another = await db.role.findFirstOrThrow({
      where: { tenantId: null, key: { notIn: fresh.roles } },
      orderBy: { key: "asc" },
    });
    await createMappings(db, boot, "acme", { subject: "acme-interim", roleIds: [another.id] });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const changed = await ask(true);
    expect(changed.revision).toBe(fresh.revision + 1);
    expect(changed.roles).toContain(another.key);
    expect(changed.unmapped).toEqual([]);
  });

  it("sends large answers gzip-compressed to clients that accept gzip, and everything else as it is", async () => {
    const auth = basic(acmeReader.clientId, acmeReader.secret);
    const groups = ["acme-sts-admins", "acme-auditors", "acme-support"];
    const resolveWith = async (acceptEncoding: string | undefined, provenance = true, asked = groups) => {
      const response = await handleResolve(
        resolveRequest(
          { tenant: "acme", groups: asked, provenance },
          auth,
          "application/json",
          acceptEncoding,
        ),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("vary")).toBe("accept-encoding");
      return {
        encoding: response.headers.get("content-encoding"),
        bytes: Buffer.from(await response.arrayBuffer()),
      };
    };
    const plain = await resolveWith(undefined);
    expect(plain.encoding).toBeNull();
    expect(plain.bytes.length).toBeGreaterThan(GZIP_MIN_BYTES);
    // Asked twice per encoding: the second answer comes from memory, in the form first sent.
    const { getMachineRuntime } = await import("@/server/machine-api/machine-runtime");
    const { answers } = await getMachineRuntime();
    const remembered = answers.size;
    for (let round = 0; round < 2; round++) {
      const compressed = await resolveWith("gzip, deflate");
      expect(compressed.encoding).toBe("gzip");
      expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 2);
      expect(gunzipSync(compressed.bytes).equals(plain.bytes)).toBe(true);
      const again = await resolveWith(undefined);
      expect(again.encoding).toBeNull();
      expect(again.bytes.equals(plain.bytes)).toBe(true);
      expect(answers.size).toBe(remembered + 1);
    }
    expect((await resolveWith("*")).encoding).toBe("gzip");
    expect((await resolveWith("br, gzip;q=0")).encoding).toBeNull();
    expect((await resolveWith("*, gzip;q=0")).encoding).toBeNull();
    expect((await resolveWith("identity")).encoding).toBeNull();
    // A small answer (no provenance) goes as it is even when gzip is welcome.
    const lean = await resolveWith("gzip", false, ["acme-auditors"]);
    expect(lean.encoding).toBeNull();
    expect(lean.bytes.length).toBeLessThan(GZIP_MIN_BYTES);

    const snapshotPlain = await handleSnapshot(snapshotRequest("acme", auth), "acme");
    const snapshotGzip = await handleSnapshot(snapshotRequest("acme", auth, undefined, "gzip"), "acme");
    expect(snapshotGzip.headers.get("content-encoding")).toBe("gzip");
    expect(snapshotGzip.headers.get("etag")).toBe(snapshotPlain.headers.get("etag"));
    const snapshotJson = Buffer.from(await snapshotPlain.arrayBuffer());
    expect(gunzipSync(Buffer.from(await snapshotGzip.arrayBuffer())).equals(snapshotJson)).toBe(true);
  });

  it("serves the snapshot with ETag = revision and 304 on If-None-Match", async () => {
    const auth = basic(acmeReader.clientId, acmeReader.secret);
    const first = await handleSnapshot(snapshotRequest("acme", auth), "acme");
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    const snapshot = (await first.json()) as {
      version: number;
      tenant: { revision: number };
      mappings: { subject: string; role: string }[];
    };
    expect(etag).toBe(`"${snapshot.tenant.revision}"`);
    expect(snapshot.version).toBe(1);
    expect(snapshot.mappings).toContainEqual(
      expect.objectContaining({ subject: "acme-sts-admins", role: "organisation-admin" }),
    );
    const again = await handleSnapshot(snapshotRequest("acme", auth, etag!), "acme");
    expect(again.status).toBe(304);
    const boot = await contextOf(db, "bootstrap");
    const verifier = await db.role.findFirstOrThrow({ where: { key: "verifier", tenantId: null } });
    await createMappings(db, boot, "acme", { subject: "acme-verifiers", roleIds: [verifier.id] });
    // The commit's NOTIFY reaches the index cache's listener within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const changed = await handleSnapshot(snapshotRequest("acme", auth, etag!), "acme");
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).toBe(`"${snapshot.tenant.revision + 1}"`);
  });

  it("refuses another tenant (403), an unknown tenant (404), bad bodies (400/413/415), each changing nothing", async () => {
    const auth = basic(acmeReader.clientId, acmeReader.secret);
    const before = await counts();
    const cases: [Request, number, RegExp][] = [
      [
        resolveRequest({ tenant: "initech", groups: ["initech-admins"] }, auth),
        403,
        /may not read organisation "initech"/,
      ],
      [resolveRequest({ tenant: "no-such", groups: [] }, auth), 404, /no-such/],
      [resolveRequest({ tenant: "acme" }, auth), 400, /groups/],
      [resolveRequest({ tenant: "acme", groups: "acme-auditors" }, auth), 400, /groups/],
      [resolveRequest({ tenant: "acme", groups: ["ok"], extra: 1 }, auth), 400, /extra/],
      [resolveRequest("{not json", auth), 400, /not valid JSON/],
      [resolveRequest({ tenant: "acme", groups: ["a"] }, auth, "text/plain"), 415, /application\/json/],
      [
        new Request(`${BASE}/api/v1/resolve`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-encoding": "gzip", authorization: auth },
          body: gzipSync(JSON.stringify({ tenant: "acme", groups: ["acme-auditors"] })),
        }),
        415,
        /compressed/,
      ],
      [
        resolveRequest(
          {
            tenant: "acme",
            groups: Array.from({ length: 5000 }, (_, index) => `group-${index}-${"x".repeat(20)}`),
          },
          auth,
        ),
        413,
        /exceeds/,
      ],
    ];
    for (const [request, status, message] of cases) {
      const response = await handleResolve(request);
      const body = (await response.json()) as { message: string };
      expect({ status: response.status, message: body.message }).toEqual({
        status,
        message: expect.stringMatching(message),
      });
    }
    expect((await handleSnapshot(snapshotRequest("initech", auth), "initech")).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("refuses missing, wrong, rotated and revoked credentials with 401", async () => {
    const noAuth = await handleResolve(resolveRequest({ tenant: "acme", groups: [] }));
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toContain("Basic");
    expect(
      (await handleResolve(resolveRequest({ tenant: "acme", groups: [] }, basic("acme-sts", "sts_wrong"))))
        .status,
    ).toBe(401);
    expect(
      (await handleResolve(resolveRequest({ tenant: "acme", groups: [] }, basic("ghost", "sts_wrong"))))
        .status,
    ).toBe(401);
    const boot = await contextOf(db, "bootstrap");
    const client = await db.technicalClient.findUniqueOrThrow({ where: { clientId: "acme-sts" } });
    const rotated = await rotateClientSecret(db, boot, "acme-sts", { version: client.version });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (
        await handleResolve(
          resolveRequest({ tenant: "acme", groups: [] }, basic("acme-sts", acmeReader.secret)),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await handleResolve(
          resolveRequest({ tenant: "acme", groups: [] }, basic("acme-sts", rotated.clientSecret)),
        )
      ).status,
    ).toBe(200);
    await revokeClient(db, boot, "acme-sts", { version: rotated.client.version });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (
        await handleResolve(
          resolveRequest({ tenant: "acme", groups: [] }, basic("acme-sts", rotated.clientSecret)),
        )
      ).status,
    ).toBe(401);
  });

  it("lets an all-tenants client read every tenant, and only the bootstrap admin create one", async () => {
    const admin = await contextOf(db, "adminA");
    await expect(
      registerClient(db, admin, { clientId: "sneaky", name: "Sneaky", readAllTenants: true }),
    ).rejects.toMatchObject({ status: 403 });
    const boot = await contextOf(db, "bootstrap");
    const reader = await registerClient(db, boot, {
      clientId: "central-sts",
      name: "Central STS",
      readAllTenants: true,
    });
    const auth = basic("central-sts", reader.clientSecret);
    expect((await handleSnapshot(snapshotRequest("initech", auth), "initech")).status).toBe(200);
    expect(
      (await handleResolve(resolveRequest({ tenant: "acme", clientId: "central-sts" }, auth))).status,
    ).toBe(200);
  });
});

describe("IAM bearer tokens", () => {
  it("lets a user read a tenant where they hold STS_IAM_ROLE_LIST, and nowhere else", async () => {
    const auditor = await sign({ sub: "alice", groups: ["acme-auditors"] });
    expect((await handleSnapshot(snapshotRequest("acme", `Bearer ${auditor}`), "acme")).status).toBe(200);
    const elsewhere = await handleSnapshot(snapshotRequest("initech", `Bearer ${auditor}`), "initech");
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { message: string }).message).toContain("STS_IAM_ROLE_LIST");
  });

  it("lets the bootstrap role read every tenant", async () => {
    const admin = await sign({ sub: "root", roles: ["ONE_STS_ADMIN"] });
    expect((await handleSnapshot(snapshotRequest("initech", `Bearer ${admin}`), "initech")).status).toBe(200);
  });

  it("refuses unmapped users (403) and invalid tokens (401)", async () => {
    const visitor = await sign({ sub: "vic", groups: ["marketing"] });
    expect(
      (
        await handleResolve(
          resolveRequest({ tenant: "acme", groups: ["acme-auditors"] }, `Bearer ${visitor}`),
        )
      ).status,
    ).toBe(403);
    const wrongAudience = await new SignJWT({ sub: "x", roles: ["ONE_STS_ADMIN"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("k".repeat(32)));
    const refused = await handleResolve(
      resolveRequest({ tenant: "acme", groups: [] }, `Bearer ${wrongAudience}`),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(
      (await handleResolve(resolveRequest({ tenant: "acme", groups: [] }, "Bearer not.a.token"))).status,
    ).toBe(401);
  });

  it("refuses app tokens issued by this STS", async () => {
    const own = await new SignJWT({ sub: "x", roles: ["ONE_STS_ADMIN"] })
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(BASE)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign((await generateKeyPair("RS256")).privateKey);
    expect(
      (await handleResolve(resolveRequest({ tenant: "acme", groups: [] }, `Bearer ${own}`))).status,
    ).toBe(401);
  });
});
