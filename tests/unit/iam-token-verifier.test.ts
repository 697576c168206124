// The IAM token verifier shared by the machine API and the token exchange, against real keys, a real
// loopback HTTP server publishing discovery + JWKS, and the project's development IdP (oidc-provider).
import { generateKeyPairSync, sign as rawSign } from "node:crypto";
import http from "node:http";
import { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CompactSign,
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from "jose";
import {
  createIamTokenVerifier,
  type IamVerificationFailure,
  type IamVerificationSuccess,
  type IamVerifierOptions,
} from "@/server/sts/iam-token-verifier";
import { startDevIdp } from "@/server/dev-idp/start-dev-idp";
import { generateDevIdpJwks } from "@/server/runtime/demo-secrets";
import { freeLocalPort } from "@/server/db/free-port";

const AUDIENCE = "api://sts";
const OWN_ISSUER = "https://sts.example.test";

// ---------------------------------------------------------------------------------------------------
// A tiny IdP: discovery + JWKS on loopback, with a mutable key list and a request log.

interface FakeIdp {
  issuer: string;
  keys: JWK[];
  requests: string[];
  close: () => Promise<void>;
}

async function startFakeIdp(keys: JWK[]): Promise<FakeIdp> {
  const idp: FakeIdp = { issuer: "", keys, requests: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    idp.requests.push(path);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/.well-known/openid-configuration") {
      json({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks`, token_endpoint: `${idp.issuer}/token` });
    } else if (path === "/jwks") {
      json({ keys: idp.keys });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  idp.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return idp;
}

// ---------------------------------------------------------------------------------------------------
// Keys and tokens

interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(alg: string, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function accessClaims(issuer: string, overrides: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  return {
    iss: issuer,
    sub: "00u-ada",
    aud: AUDIENCE,
    iat: now,
    exp: now + 300,
    roles: ["ONE_STS_ADMIN"],
    ...overrides,
  };
}

/** Signs a JWT; `header` may add or override any member (kid: undefined removes it). */
async function sign(
  key: TestKey,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
  alg: string = key.alg,
): Promise<string> {
  const protectedHeader: JWTHeaderParameters = { alg, kid: key.kid, typ: "at+jwt", ...header };
  if (protectedHeader.kid === undefined) delete protectedHeader.kid;
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function expectFailure(
  result: IamVerificationSuccess | IamVerificationFailure,
  code: IamVerificationFailure["code"],
  token?: string,
): void {
  expect(result.ok ? "ok" : `${result.code}: ${result.message}`).toMatch(new RegExp(`^${code}: `));
  // The message never echoes the token (nor a recognisable piece of it).
  if (!result.ok && token) {
    for (const piece of token.split(".").filter((part) => part.length >= 8)) {
      expect(result.message).not.toContain(piece);
    }
  }
}

function expectSuccess(result: IamVerificationSuccess | IamVerificationFailure): IamVerificationSuccess {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------

let idp: FakeIdp;
let rsa: TestKey;
let ed: TestKey;
let attacker: TestKey;

beforeAll(async () => {
  [rsa, ed, attacker] = await Promise.all([
    makeKey("RS256", "rsa-1"),
    makeKey("EdDSA", "ed-1"),
    makeKey("RS256", "attacker-1"),
  ]);
  idp = await startFakeIdp([rsa.publicJwk, ed.publicJwk]);
});

afterAll(async () => {
  await idp.close();
});

afterEach(() => {
  // Tests that rotate keys put the original set back.
  idp.keys = [rsa.publicJwk, ed.publicJwk];
});

function verifier(options: Partial<IamVerifierOptions> = {}) {
  return createIamTokenVerifier({
    issuer: idp.issuer,
    audience: AUDIENCE,
    algorithms: ["RS256", "ES256", "EdDSA"],
    rejectIssuers: [OWN_ISSUER],
    ...options,
  });
}

describe("every supported algorithm, signed by jose and checked by node:crypto", () => {
  const FAMILIES = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

  it("accepts each algorithm with a key of its kind, and refuses each one's tampered signature", async () => {
    const keys = await Promise.all(FAMILIES.map((alg) => makeKey(alg, `all-${alg}`)));
    idp.keys = keys.map((key) => key.publicJwk);
    const v = verifier({ algorithms: FAMILIES });
    for (const key of keys) {
      const token = await sign(key, accessClaims(idp.issuer));
      expect(expectSuccess(await v.verify(token)).header.alg).toBe(key.alg);
      const [head, body, signature] = token.split(".");
      const bytes = Buffer.from(signature!, "base64url");
      bytes[bytes.length >> 1]! ^= 0x01;
      const tampered = `${head}.${body}.${bytes.toString("base64url")}`;
      expectFailure(await v.verify(tampered), "bad_signature", tampered);
      // A signature of the wrong length (e.g. DER instead of raw r || s for ECDSA) is refused, not thrown.
      const short = `${head}.${body}.${bytes.subarray(0, bytes.length - 3).toString("base64url")}`;
      expectFailure(await v.verify(short), "bad_signature", short);
    }
  });

  it("refuses RSA keys shorter than 2048 bits even when the signature is valid", async () => {
    // jose refuses to sign with a short key, so the token is signed with node:crypto directly.
    const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const publicJwk = {
      ...pair.publicKey.export({ format: "jwk" }),
      kid: "weak-1024",
      alg: "RS256",
      use: "sig",
    };
    idp.keys = [publicJwk as JWK];
    const signingInput = `${b64({ alg: "RS256", kid: "weak-1024", typ: "at+jwt" })}.${b64(accessClaims(idp.issuer))}`;
    const token = `${signingInput}.${rawSign("sha256", Buffer.from(signingInput), pair.privateKey).toString("base64url")}`;
    expectFailure(await verifier().verify(token), "unknown_key", token);
  });
});

describe("valid access tokens", () => {
  it("accepts an RS256 access token and returns its claims, header and hash", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer));
    const result = expectSuccess(await v.verify(token));
    expect(result.claims).toMatchObject({
      iss: idp.issuer,
      sub: "00u-ada",
      aud: AUDIENCE,
      roles: ["ONE_STS_ADMIN"],
    });
    expect(result.header).toEqual({ alg: "RS256", kid: "rsa-1", typ: "at+jwt" });
    expect(v.stats().jwksFetches).toBe(1);
  });

  it("accepts an EdDSA access token with an audience array", async () => {
    const v = verifier();
    const token = await sign(ed, accessClaims(idp.issuer, { aud: ["other", AUDIENCE] }));
    const result = expectSuccess(await v.verify(token));
    expect(result.claims.sub).toBe("00u-ada");
    expect(result.header.alg).toBe("EdDSA");
  });

  it("fetches discovery and the JWKS once, and imports keys once, for many verifications", async () => {
    const v = verifier();
    idp.requests.length = 0;
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) => sign(i % 2 ? rsa : ed, accessClaims(idp.issuer))),
    );
    const results = await Promise.all(tokens.map((token) => v.verify(token)));
    for (const result of results) expectSuccess(result);
    expect(v.stats().jwksFetches).toBe(1);
    expect(idp.requests).toEqual(["/.well-known/openid-configuration", "/jwks"]);
  });
});

describe("algorithm attacks", () => {
  it('rejects alg "none" (an unsigned token crafted by hand)', async () => {
    const v = verifier();
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64(accessClaims(idp.issuer))}.`;
    expectFailure(await v.verify(token), "unsupported_alg", token);
    const withSignature = `${b64({ alg: "none", kid: "rsa-1" })}.${b64(accessClaims(idp.issuer))}.AAAA`;
    expectFailure(await v.verify(withSignature), "unsupported_alg", withSignature);
    expect(v.stats().jwksFetches).toBe(0);
  });

  it("rejects HS256 signed with the RSA public key (PEM and JWK bytes) as HMAC secret", async () => {
    const v = verifier();
    const publicKey = await importJWK(rsa.publicJwk, "RS256");
    const pem = await exportSPKI(publicKey as CryptoKey);
    for (const secret of [pem, JSON.stringify(rsa.publicJwk)]) {
      const token = await new SignJWT(accessClaims(idp.issuer))
        .setProtectedHeader({ alg: "HS256", kid: rsa.kid, typ: "at+jwt" })
        .sign(new TextEncoder().encode(secret));
      expectFailure(await v.verify(token), "unsupported_alg", token);
    }
    expect(v.stats().jwksFetches).toBe(0);
  });

  it('refuses to be configured with "none" or HS* algorithms', () => {
    for (const algorithms of [["none"], ["HS256"], ["RS256", "HS512"], []]) {
      expect(() => verifier({ algorithms })).toThrow(/algorithm/);
    }
  });

  it("rejects an allowed alg that does not fit the key its kid names (kty or JWK alg)", async () => {
    const v = verifier({ algorithms: ["RS256", "PS256", "EdDSA"] });
    // EdDSA header naming the RSA key: the kty does not fit.
    const edOnRsa = await sign({ ...ed, kid: rsa.kid }, accessClaims(idp.issuer));
    expectFailure(await v.verify(edOnRsa), "unsupported_alg", edOnRsa);
    // PS256 with the right RSA key: the JWK says alg RS256.
    const psToken = await new SignJWT(accessClaims(idp.issuer))
      .setProtectedHeader({ alg: "PS256", kid: rsa.kid })
      .sign((await generateKeyPair("PS256")).privateKey);
    expectFailure(await v.verify(psToken), "unsupported_alg", psToken);
  });
});

describe("key lookup and JWKS refresh", () => {
  it("an unknown kid is unknown_key with exactly one extra fetch for 20 concurrent verifications", async () => {
    const v = verifier({ refreshCooldownSeconds: 0.5 });
    const token = await sign({ ...rsa, kid: "rsa-unknown" }, accessClaims(idp.issuer));
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer))));
    expect(v.stats().jwksFetches).toBe(1);
    await sleep(550); // past the cooldown: an unknown kid may refetch once
    const results = await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    for (const result of results) expectFailure(result, "unknown_key", token);
    expect(v.stats().jwksFetches).toBe(2);
    // Within the cooldown: no further fetch, however many tries.
    const again = await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    for (const result of again) expectFailure(result, "unknown_key", token);
    expect(v.stats().jwksFetches).toBe(2);
  });

  it("does not refetch within the default cooldown (30 s) on an unknown kid", async () => {
    const v = verifier();
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer))));
    const token = await sign({ ...rsa, kid: "rsa-unknown" }, accessClaims(idp.issuer));
    for (let i = 0; i < 5; i += 1) expectFailure(await v.verify(token), "unknown_key", token);
    expect(v.stats().jwksFetches).toBe(1);
  });

  it("picks up a key rotated into the JWKS after the cooldown", async () => {
    const v = verifier({ refreshCooldownSeconds: 0.3 });
    // Everything slow (RSA key generation, signing) happens before the clock starts.
    const rotated = await makeKey("RS256", "rsa-2");
    const token = await sign(rotated, accessClaims(idp.issuer));
    const old = await sign(rsa, accessClaims(idp.issuer));
    expectSuccess(await v.verify(old));
    idp.keys = [rsa.publicJwk, ed.publicJwk, rotated.publicJwk];
    expectFailure(await v.verify(token), "unknown_key", token); // still within the cooldown
    expect(v.stats().jwksFetches).toBe(1);
    await sleep(350);
    expectSuccess(await v.verify(token));
    expect(v.stats().jwksFetches).toBe(2);
    // The old key keeps working from the refreshed set.
    expectSuccess(await v.verify(old));
    expect(v.stats().jwksFetches).toBe(2);
  });

  it.each([["../../etc/passwd"], ["' OR 1=1 --"], ["/jwks"], ["%2e%2e/%00"]])(
    "a kid of %j is just an unknown key",
    async (kid) => {
      const v = verifier();
      idp.requests.length = 0;
      const token = await sign({ ...rsa, kid }, accessClaims(idp.issuer));
      const result = await v.verify(token);
      expectFailure(result, "unknown_key", token);
      if (!result.ok) expect(result.message).not.toContain(kid);
      expect(idp.requests).toEqual(["/.well-known/openid-configuration", "/jwks"]);
    },
  );

  it("rejects a signature by another key that carries a kid from the JWKS", async () => {
    const v = verifier();
    const token = await sign({ ...attacker, kid: rsa.kid }, accessClaims(idp.issuer));
    expectFailure(await v.verify(token), "bad_signature", token);
  });

  it("rejects a token whose payload was changed after signing", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer));
    const [header, , signature] = token.split(".");
    const forged = `${header}.${b64(accessClaims(idp.issuer, { roles: ["EVERYTHING"] }))}.${signature}`;
    expectFailure(await v.verify(forged), "bad_signature", forged);
  });

  it("uses the only fitting key for a token without kid", async () => {
    const v = verifier();
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer), { kid: undefined })));
    expectSuccess(await v.verify(await sign(ed, accessClaims(idp.issuer), { kid: undefined })));
    const es = await makeKey("ES256", "es-1");
    const token = await sign(es, accessClaims(idp.issuer), { kid: undefined });
    expectFailure(await v.verify(token), "unknown_key", token);
  });

  it("reports jwks_unavailable when the IdP cannot be reached, and keeps serving cached keys", async () => {
    const down = await startFakeIdp([rsa.publicJwk]);
    const v = createIamTokenVerifier({
      issuer: down.issuer,
      audience: AUDIENCE,
      algorithms: ["RS256"],
      refreshCooldownSeconds: 0.2,
      jwksCacheSeconds: 0.2,
      fetchTimeoutMs: 500,
    });
    const token = await sign(rsa, accessClaims(down.issuer));
    expectSuccess(await v.verify(token));
    await down.close();
    await sleep(250); // cache expired and cooldown over: the refresh fails, the cached key still serves
    expectSuccess(await v.verify(token));
    expect(v.stats().jwksFetches).toBe(2); // one attempt, failed
    expectSuccess(await v.verify(token)); // within the cooldown: no new attempt
    expect(v.stats().jwksFetches).toBe(2);
    const unknown = await sign({ ...rsa, kid: "rsa-new" }, accessClaims(down.issuer));
    expectFailure(await v.verify(unknown), "jwks_unavailable", unknown);

    const never = createIamTokenVerifier({
      issuer: down.issuer,
      audience: AUDIENCE,
      algorithms: ["RS256"],
      fetchTimeoutMs: 500,
    });
    expectFailure(await never.verify(token), "jwks_unavailable", token);
  });

  it("reports jwks_unavailable when the fetch times out", async () => {
    const hanging = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    try {
      const v = createIamTokenVerifier({
        issuer,
        audience: AUDIENCE,
        algorithms: ["RS256"],
        fetchTimeoutMs: 200,
      });
      const token = await sign(rsa, accessClaims(issuer));
      const started = performance.now();
      const result = await v.verify(token);
      expectFailure(result, "jwks_unavailable", token);
      if (!result.ok) expect(result.message).toMatch(/timed out/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it("falls back to RFC 8414 metadata when there is no OpenID discovery document", async () => {
    const keys = [rsa.publicJwk];
    let issuer = "";
    const server = http.createServer((req, res) => {
      if (req.url === "/.well-known/oauth-authorization-server/tenant-a") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      } else if (req.url === "/tenant-a/keys") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ keys }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant-a`;
    try {
      const v = createIamTokenVerifier({ issuer, audience: AUDIENCE, algorithms: ["RS256"] });
      expectSuccess(await v.verify(await sign(rsa, accessClaims(issuer))));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("keys and URLs in the token header are ignored", () => {
  let evil: FakeIdp;
  beforeAll(async () => {
    evil = await startFakeIdp([attacker.publicJwk]);
  });
  afterAll(async () => {
    await evil.close();
  });

  it("never fetches a jku (or x5u) from the token", async () => {
    const v = verifier();
    const headers = { jku: `${evil.issuer}/jwks`, x5u: `${evil.issuer}/cert.pem` };
    const token = await sign(attacker, accessClaims(idp.issuer), headers);
    expectFailure(await v.verify(token), "unknown_key", token);
    const sameKid = await sign({ ...attacker, kid: rsa.kid }, accessClaims(idp.issuer), headers);
    expectFailure(await v.verify(sameKid), "bad_signature", sameKid);
    // A genuine token that happens to carry these headers verifies with the IdP's key, still no fetch.
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer), { ...headers, x5c: ["MIIB"] })));
    expect(evil.requests).toEqual([]);
  });

  it("never uses a key embedded in the jwk header", async () => {
    const v = verifier();
    const embedded = { jwk: attacker.publicJwk };
    const ownKid = await sign(attacker, accessClaims(idp.issuer), embedded);
    expectFailure(await v.verify(ownKid), "unknown_key", ownKid);
    const realKid = await sign({ ...attacker, kid: rsa.kid }, accessClaims(idp.issuer), embedded);
    expectFailure(await v.verify(realKid), "bad_signature", realKid);
    const noKid = await sign(attacker, accessClaims(idp.issuer), { ...embedded, kid: undefined });
    expectFailure(await v.verify(noKid), "bad_signature", noKid);
  });
});

describe("claims", () => {
  it("rejects an expired token (beyond the skew) and accepts one within the skew", async () => {
    const v = verifier();
    const now = nowSeconds();
    const expired = await sign(rsa, accessClaims(idp.issuer, { iat: now - 600, exp: now - 120 }));
    expectFailure(await v.verify(expired), "expired", expired);
    expectSuccess(
      await v.verify(await sign(rsa, accessClaims(idp.issuer, { iat: now - 600, exp: now - 30 }))),
    );
    const strict = verifier({ clockSkewSeconds: 0 });
    const justExpired = await sign(rsa, accessClaims(idp.issuer, { exp: now - 1 }));
    expectFailure(await strict.verify(justExpired), "expired", justExpired);
  });

  it("rejects nbf in the future beyond the skew", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { nbf: nowSeconds() + 300 }));
    expectFailure(await v.verify(token), "not_yet_valid", token);
  });

  it("accepts nbf (and iat) in the future within the skew", async () => {
    const v = verifier();
    const soon = nowSeconds() + 30;
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer, { nbf: soon, iat: soon }))));
  });

  it("rejects iat in the future beyond the skew", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { iat: nowSeconds() + 600 }));
    expectFailure(await v.verify(token), "not_yet_valid", token);
  });

  it("rejects a wrong issuer without fetching any key", async () => {
    const v = verifier();
    for (const iss of ["https://evil.example", `${idp.issuer}/`, idp.issuer.toUpperCase()]) {
      const token = await sign(rsa, accessClaims(idp.issuer, { iss }));
      expectFailure(await v.verify(token), "wrong_issuer", token);
    }
    expect(v.stats().jwksFetches).toBe(0);
  });

  it("rejects a token without iss", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { iss: undefined }));
    expectFailure(await v.verify(token), "missing_claim", token);
  });

  it("rejects a wrong audience", async () => {
    const v = verifier();
    for (const aud of ["api://other", ["a", "b"], "API://STS"]) {
      const token = await sign(rsa, accessClaims(idp.issuer, { aud }));
      expectFailure(await v.verify(token), "wrong_audience", token);
    }
  });

  it("accepts any one of several configured audiences", async () => {
    const v = verifier({ audience: ["api://one", "api://two"] });
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer, { aud: "api://two" }))));
  });

  it("rejects a token without aud", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { aud: undefined }));
    expectFailure(await v.verify(token), "missing_claim", token);
  });

  it("rejects a token without exp", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { exp: undefined }));
    expectFailure(await v.verify(token), "missing_claim", token);
  });

  it("rejects non-numeric exp", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer, { exp: "tomorrow" as unknown as number }));
    expectFailure(await v.verify(token), "malformed", token);
  });

  it('rejects a crit header (crit: ["exp"])', async () => {
    const v = verifier();
    const exp = nowSeconds() + 300;
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(accessClaims(idp.issuer))))
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid, crit: ["exp"], exp })
      .sign(rsa.privateKey, { crit: { exp: true } });
    expectFailure(await v.verify(token), "unsupported_crit", token);
  });

  it("rejects a token issued by this STS (rejectIssuers) as own_token, without fetching keys", async () => {
    const v = verifier();
    const stsKey = await makeKey("EdDSA", "sts-key-1");
    const token = await sign(stsKey, accessClaims(OWN_ISSUER, { permissions: ["CREDENTIAL_LIST"] }), {
      typ: "JWT",
    });
    expectFailure(await v.verify(token), "own_token", token);
    expect(v.stats().jwksFetches).toBe(0);
  });
});

describe("ID tokens", () => {
  const idTokenShapes: [string, JWTPayload][] = [
    ["nonce", { nonce: "n-0S6_WzA2Mj", azp: "sts-console" }],
    ["at_hash", { at_hash: "77QmUPtjPfzWtF2AnpK9RQ" }],
    ["c_hash", { c_hash: "LDktKdoQak3Pk0cnXxCltA" }],
    ["Keycloak typ: ID", { typ: "ID", azp: "sts-console" }],
  ];

  it.each(idTokenShapes)("rejects an ID-token-shaped token (%s) unless acceptIdTokens", async (_, extra) => {
    const token = await sign(rsa, accessClaims(idp.issuer, extra), { typ: "JWT" });
    expectFailure(await verifier().verify(token), "id_token_not_accepted", token);
    const untyped = await sign(rsa, accessClaims(idp.issuer, extra), { typ: undefined });
    expectFailure(await verifier().verify(untyped), "id_token_not_accepted", untyped);
    expectSuccess(await verifier({ acceptIdTokens: true }).verify(token));
  });

  it('treats typ "at+jwt" as an access token whatever its claims, and plain JWT access tokens as such', async () => {
    const v = verifier();
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer, { nonce: "x" }))));
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer), { typ: "JWT" })));
    expectSuccess(await v.verify(await sign(rsa, accessClaims(idp.issuer), { typ: "application/at+jwt" })));
    expectSuccess(
      await v.verify(await sign(rsa, accessClaims(idp.issuer, { typ: "Bearer" }), { typ: "JWT" })),
    );
  });

  it("rejects other explicitly typed JWTs (logout tokens, DPoP proofs)", async () => {
    const v = verifier();
    for (const typ of ["logout+jwt", "dpop+jwt", "secevent+jwt"]) {
      const token = await sign(rsa, accessClaims(idp.issuer), { typ });
      expectFailure(await v.verify(token), "malformed", token);
    }
  });
});

describe("malformed and oversized input", () => {
  it.each([
    ["truncated token", "TRUNCATE"],
    ["garbage", "this is not a token"],
    ["three dots", "..."],
    ["two dots, empty parts", ".."],
    ["non-base64 characters", "eyJhbGciOiJSUzI1NiJ9.$$$%%%.###"],
    ["base64 but not JSON", `${Buffer.from("hello").toString("base64url")}.e30.c2ln`],
    ["JSON array header", `${b64(["alg", "RS256"])}.e30.c2ln`],
    ["standard base64 padding", "eyJhbGciOiJSUzI1NiJ9==.e30=.c2ln"],
    ["empty string", ""],
    ["white space around", " eyJhbGciOiJSUzI1NiJ9.e30.c2ln "],
  ])("rejects %s as malformed", async (_, input) => {
    const v = verifier();
    const token = input === "TRUNCATE" ? (await sign(rsa, accessClaims(idp.issuer))).slice(0, 60) : input;
    expectFailure(await v.verify(token), "malformed", token);
    expect(v.stats().jwksFetches).toBe(0);
  });

  it("rejects a token without signature part content as malformed", async () => {
    const v = verifier();
    const token = await sign(rsa, accessClaims(idp.issuer));
    const unsigned = token.slice(0, token.lastIndexOf(".") + 1);
    expectFailure(await v.verify(unsigned), "malformed", unsigned);
  });

  it("rejects a 1 MB token as too_large before any parsing, fetch or crypto", async () => {
    const v = verifier();
    idp.requests.length = 0;
    // A well-formed, correctly signed token that is merely too big.
    const huge = await sign(rsa, accessClaims(idp.issuer, { padding: "x".repeat(1024 * 1024) }));
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    const started = performance.now();
    const results = [];
    for (let i = 0; i < 20; i += 1) results.push(await v.verify(huge));
    const elapsed = performance.now() - started;
    for (const result of results) expectFailure(result, "too_large", huge);
    expect(elapsed).toBeLessThan(100);
    expect(v.stats().jwksFetches).toBe(0);
    expect(idp.requests).toEqual([]);
  });

  it("counts bytes, not characters, against maxTokenBytes", async () => {
    const v = verifier({ maxTokenBytes: 1000 });
    const token = "é".repeat(600); // 600 characters, 1200 UTF-8 bytes
    expectFailure(await v.verify(token), "too_large", token);
    expect(v.stats().jwksFetches).toBe(0);
  });
});

describe("the development IdP (oidc-provider) as the real provider", () => {
  it("verifies tokens signed with the dev IdP's keys against its published discovery and JWKS", async () => {
    const jwks = generateDevIdpJwks();
    const port = await freeLocalPort({ avoid: [5432] });
    const devIdp = await startDevIdp({
      port,
      cookieKeys: ["test-cookie-key-0123456789abcdef"],
      signingJwks: jwks,
      clientId: "sts-console",
      clientSecret: "test-client-secret",
      redirectUris: ["http://localhost:3000/api/auth/callback/oidc"],
      postLogoutRedirectUris: ["http://localhost:3000/signed-out"],
      roleClaimPath: "roles",
      groupsClaimPath: "groups",
      apiResource: AUDIENCE,
    });
    try {
      const v = createIamTokenVerifier({
        issuer: devIdp.issuer,
        audience: AUDIENCE,
        algorithms: ["RS256", "EdDSA"],
      });
      for (const jwk of jwks) {
        const alg = String(jwk.alg);
        const kid = String(jwk.kid);
        const privateKey = await importJWK(jwk as JWK, alg);
        const token = await new SignJWT(accessClaims(devIdp.issuer, { groups: ["acme-sts-admins"] }))
          .setProtectedHeader({ alg, kid, typ: "at+jwt" })
          .sign(privateKey);
        const result = expectSuccess(await v.verify(token));
        expect(result.header).toMatchObject({ alg, kid });
        expect(result.claims.groups).toEqual(["acme-sts-admins"]);
      }
      expect(v.stats().jwksFetches).toBe(1);
      // A key the dev IdP does not publish is still refused.
      const stranger = await sign({ ...attacker, kid: String(jwks[0]?.kid) }, accessClaims(devIdp.issuer));
      expectFailure(await v.verify(stranger), "bad_signature", stranger);
    } finally {
      await devIdp.stop();
    }
  });
});
