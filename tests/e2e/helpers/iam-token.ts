// A REAL access token of a demo user from the development IdP: authorization code flow with PKCE in
// the browser, the code redeemed with the console's confidential client credentials and the resource
// indicator api://sts. The code is captured before it reaches the console, so next-auth never sees it.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect } from "../fixtures";
import { requireServerState } from "./server-state";

const DEMO_CLIENT_ID = "sts-console";
export const API_RESOURCE = "api://sts";

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

export async function postForm(
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

/** Signs `login` in at the development IdP in `page` and returns their IAM access token for the STS API. */
export async function obtainIamAccessToken(
  page: Page,
  baseURL: string | undefined,
  idpOrigin: string,
  login = "auditor",
): Promise<string> {
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
  await page.locator("#login").fill(login);
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
  return tokens.access_token;
}
