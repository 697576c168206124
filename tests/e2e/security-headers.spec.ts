import { expect, test } from "./fixtures";
import { expectIdpLoginForm } from "./helpers/sign-in";

test("/signin carries a nonce-based CSP and the other security headers", async ({ request }) => {
  const response = await request.get("/signin");
  expect(response.status()).toBe(200);
  const headers = response.headers();

  const csp = headers["content-security-policy"] ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-frame-options"]).toBe("DENY");

  // Next.js applies the request's nonce to its own scripts: every script tag carries it.
  const html = await response.text();
  const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);

  // A fresh nonce per response.
  const again = await request.get("/signin");
  expect(again.headers()["content-security-policy"]).not.toBe(csp);
});

test("the CSP lets the sign-in page's scripts run (the automatic redirect reaches the IdP)", async ({
  page,
  baseURL,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/signin?callbackUrl=%2F");
  await expectIdpLoginForm(page);
  expect(violations).toEqual([]);
  expect(new URL(page.url()).origin).not.toBe(new URL(baseURL ?? "").origin);
});
