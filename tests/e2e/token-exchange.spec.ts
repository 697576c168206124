// The STS end to end: a REAL access token from the development IdP (authorization code flow with
// PKCE in the browser, the code redeemed with the console's confidential client credentials and the
// resource indicator api://sts), exchanged at the running app's token endpoint, and the app token
// verified with jose against the JWKS the app publishes.
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { expect, test } from "./fixtures";
import { API_RESOURCE, obtainIamAccessToken, postForm } from "./helpers/iam-token";
import { requireServerState } from "./helpers/server-state";

const ACME_ID = "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01";
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS = "urn:ietf:params:oauth:token-type:access_token";

test.describe("token exchange with a real development-IdP access token", () => {
  let iamAccessToken: string;

  test.beforeEach(async ({ page, baseURL, idpOrigin }) => {
    const state = requireServerState();
    const accessToken = await obtainIamAccessToken(page, baseURL, idpOrigin, "auditor");
    // A JWT access token for the STS API, carrying the user's groups.
    const iamClaims = decodeJwt(accessToken);
    expect(iamClaims).toMatchObject({ iss: state.idpIssuer, sub: "demo-auditor", aud: API_RESOURCE });
    expect(iamClaims.groups).toEqual(expect.arrayContaining(["acme-auditors"]));
    iamAccessToken = accessToken;
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
