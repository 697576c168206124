// The STS end to end: a REAL access token from the development IdP (authorization code flow with
// PKCE in the browser, the code redeemed with the console's confidential client credentials and the
// resource indicator api://sts), exchanged at the running app's token endpoint, and the app token
// verified with jose against the JWKS the app publishes.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { expect, test } from "./fixtures";
import { requireServerState } from "./helpers/server-state";

const DEMO_CLIENT_ID = "sts-console";
const API_RESOURCE = "api://sts";
const ACME_ID = "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01";
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS = "urn:ietf:params:oauth:token-type:access_token";

interface IdpTokens {
  access_token: string;
  token_type: string;
  id_token?: string;
}

/** The console's client secret at the development IdP (generated into the run's data directory). */
function demoClientSecret(): string {
  const file = path.join(requireServerState().dataDir, "demo-secrets.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { oidcClientSecret: string }).oidcClientSecret;
}

async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test.describe("token exchange with a real development-IdP access token", () => {
  let iamAccessToken: string;

  test.beforeEach(async ({ page, baseURL, idpOrigin }) => {
    const state = requireServerState();
    const redirectUri = `${baseURL}/api/auth/callback/oidc`;
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const expectedState = randomBytes(16).toString("base64url");

    // After the login form, the IdP answers with redirects that end at the console's callback.
    // Playwright's routing does not see the hops of a redirect chain, so the form submission itself is
    // routed: it is sent with the browser context's cookies, and the chain is followed hop by hop
    // (same cookie jar) until the callback URL, whose code is captured and never reaches next-auth.
    let callback: URL | undefined;
    const hops: string[] = [];
    await page.route(
      (url) => url.origin === idpOrigin && /^\/interaction\/[\w-]+\/login$/.test(url.pathname),
      async (route) => {
        let response = await route.fetch({ maxRedirects: 0 });
        while (response.status() >= 300 && response.status() < 400 && hops.length < 10) {
          const location = new URL(response.headers().location ?? "", response.url());
          hops.push(`${response.status()} ${location.origin}${location.pathname}`);
          if (location.href.startsWith(`${redirectUri}?`)) {
            callback = location;
            break;
          }
          response = await page.context().request.get(location.href, { maxRedirects: 0 });
        }
        await route.fulfill({
          status: 200,
          contentType: "text/plain",
          body: callback
            ? "code captured by the test"
            : `no code: ${response.status()} ${await response.text()}`,
        });
      },
    );

    const consoleRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${baseURL}/`)) consoleRequests.push(request.url());
    });

    const authorize = new URL("/auth", state.idpIssuer);
    authorize.search = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      response_type: "code",
      scope: "openid groups roles",
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      resource: API_RESOURCE,
      state: expectedState,
      nonce: randomBytes(16).toString("base64url"),
    }).toString();
    await page.goto(authorize.href);
    await page.waitForURL((url) => url.origin === idpOrigin && url.pathname.startsWith("/interaction/"));
    await page.locator("#login").fill("auditor");
    await page.locator("#password").fill("demo");
    await page.locator("button[type=submit]").click();
    await expect.poll(() => callback?.href, { timeout: 15_000, message: hops.join(" → ") }).toBeDefined();
    await expect(page.locator("body")).toHaveText("code captured by the test");
    expect(hops.at(-1)).toMatch(/^30[23] .*\/api\/auth\/callback\/oidc$/);
    // The browser never reached the console: next-auth did not see (or consume) the code.
    expect(consoleRequests).toEqual([]);
    expect(callback!.searchParams.get("error")).toBeNull();
    expect(callback!.searchParams.get("state")).toBe(expectedState);
    const code = callback!.searchParams.get("code");
    expect(code).toBeTruthy();

    // Redeem the code as the console would (confidential client, client_secret_basic, PKCE).
    const discovery = (await (await fetch(`${state.idpIssuer}/.well-known/openid-configuration`)).json()) as {
      token_endpoint: string;
      issuer: string;
    };
    expect(discovery.issuer).toBe(state.idpIssuer);
    const basic = Buffer.from(
      `${encodeURIComponent(DEMO_CLIENT_ID)}:${encodeURIComponent(demoClientSecret())}`,
    ).toString("base64");
    const redeemed = await postForm(
      discovery.token_endpoint,
      {
        grant_type: "authorization_code",
        code: code!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        resource: API_RESOURCE,
      },
      { authorization: `Basic ${basic}` },
    );
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    const tokens = redeemed.body as unknown as IdpTokens;
    expect(tokens.token_type).toBe("Bearer");
    // A JWT access token for the STS API, carrying the user's groups.
    const iamClaims = decodeJwt(tokens.access_token);
    expect(iamClaims).toMatchObject({ iss: state.idpIssuer, sub: "demo-auditor", aud: API_RESOURCE });
    expect(iamClaims.groups).toEqual(expect.arrayContaining(["acme-auditors"]));
    iamAccessToken = tokens.access_token;
  });

  test("the app token carries acme's permissions and verifies against the published JWKS", async ({
    baseURL,
  }) => {
    const exchanged = await postForm(`${baseURL}/api/sts/token/v1`, {
      grant_type: EXCHANGE,
      subject_token: iamAccessToken,
      subject_token_type: ACCESS,
      tenant: "acme",
    });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    expect(exchanged.body).toMatchObject({
      issued_token_type: ACCESS,
      token_type: "Bearer",
      expires_in: 300,
    });
    const appToken = exchanged.body.access_token as string;

    const metadata = (await (await fetch(`${baseURL}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
      jwks_uri: string;
      token_endpoint: string;
    };
    expect(metadata.token_endpoint).toBe(`${baseURL}/api/sts/token/v1`);
    expect(metadata.jwks_uri).toBe(`${baseURL}/.well-known/jwks.json`);
    const jwks = (await (await fetch(`${baseURL}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });

    const { payload, protectedHeader } = await jwtVerify(
      appToken,
      createRemoteJWKSet(new URL(`${baseURL}/.well-known/jwks.json`)),
      { issuer: metadata.issuer, audience: "one-core", algorithms: ["EdDSA"] },
    );
    expect(metadata.issuer).toBe(baseURL);
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(appToken).kid);
    expect(payload.permissions).toEqual(expect.arrayContaining(["STS_IAM_ROLE_LIST"]));
    expect(payload.organisationId).toBe(ACME_ID);
    expect(payload.tenant).toEqual({ id: ACME_ID, slug: "acme" });
    expect(payload.roles).toEqual(["read-only-auditor"]);
    expect(payload).toMatchObject({
      sub: "demo-auditor",
      name: "Alice Auditor",
      email: "alice.auditor@example.com",
    });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  test("the same user gets nothing for a tenant where nothing is mapped, nor for its app token", async ({
    baseURL,
  }) => {
    const elsewhere = await postForm(`${baseURL}/api/sts/token/v1`, {
      grant_type: EXCHANGE,
      subject_token: iamAccessToken,
      subject_token_type: ACCESS,
      tenant: "initech",
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toEqual({ error: "invalid_target", error_description: expect.any(String) });

    const appToken = (
      await postForm(`${baseURL}/api/sts/token/v1`, {
        grant_type: EXCHANGE,
        subject_token: iamAccessToken,
        subject_token_type: ACCESS,
        resource: "urn:sts:tenant:acme",
      })
    ).body.access_token as string;
    expect(typeof appToken).toBe("string");
    const replayed = await postForm(`${baseURL}/api/sts/token/v1`, {
      grant_type: EXCHANGE,
      subject_token: appToken,
      subject_token_type: ACCESS,
      tenant: "acme",
    });
    expect(replayed.status).toBe(400);
    expect(replayed.body).toEqual({ error: "invalid_request", error_description: expect.any(String) });
  });
});
