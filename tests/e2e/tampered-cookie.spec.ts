import { expect, test } from "./fixtures";
import { expectIdpLoginForm, signInAs } from "./helpers/sign-in";

/** Changes characters in the middle of a value, keeping its length and alphabet (base64url). */
function tamper(value: string): string {
  const chars = [...value];
  for (const index of [
    Math.floor(chars.length / 3),
    Math.floor(chars.length / 2),
    Math.floor((chars.length * 2) / 3),
  ]) {
    chars[index] = chars[index] === "A" ? "B" : "A";
  }
  return chars.join("");
}

test("a tampered session cookie counts as signed out, without a server error", async ({
  page,
  context,
  baseURL,
}) => {
  await signInAs(page, "admin");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ada Admin" })).toBeVisible();

  // next-auth splits large tokens into next-auth.session-token.0, .1, …: tamper with every part.
  const sessionCookies = (await context.cookies()).filter((cookie) =>
    cookie.name.startsWith("next-auth.session-token"),
  );
  expect(sessionCookies.length).toBeGreaterThan(0);
  await context.addCookies(sessionCookies.map((cookie) => ({ ...cookie, value: tamper(cookie.value) })));
  const stored = (await context.cookies()).filter((cookie) =>
    cookie.name.startsWith("next-auth.session-token"),
  );
  expect(stored.map((cookie) => cookie.value)).not.toEqual(sessionCookies.map((cookie) => cookie.value));

  // The server no longer recognises the session…
  const session = await page.request.get("/api/auth/session");
  expect(session.status()).toBe(200);
  expect(await session.json()).toEqual({});
  const home = await page.request.get("/", { maxRedirects: 0 });
  expect(home.status()).toBe(307);
  expect(new URL(home.headers()["location"] ?? "", baseURL).pathname).toBe("/signin");

  // …and a browser opening the console is sent to sign in. Without the IdP's own session cookies the
  // IdP shows its form instead of signing the user straight back in.
  await context.clearCookies({ name: /^devidp_/ });
  const serverErrors: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto("/");
  await expectIdpLoginForm(page);
  expect(serverErrors).toEqual([]);
});
