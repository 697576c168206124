import { expect, test } from "./fixtures";
import { expectIdpLoginForm, submitIdpLogin } from "./helpers/sign-in";

test.describe("signed-out visitors are sent to the IdP", () => {
  test("/ answers with a redirect to /signin?callbackUrl=%2F", async ({ request }) => {
    const response = await request.get("/", { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    const location = new URL(response.headers()["location"] ?? "", "http://console.invalid");
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("callbackUrl")).toBe("/");
  });

  test("opening / in a browser goes through /signin to the IdP's login page", async ({
    page,
    baseURL,
    idpOrigin,
  }) => {
    const visited: URL[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) visited.push(new URL(frame.url()));
    });
    await page.goto("/");
    await expectIdpLoginForm(page);

    const landed = new URL(page.url());
    expect(landed.origin).toBe(idpOrigin);
    expect(landed.origin).not.toBe(new URL(baseURL ?? "").origin);
    expect(landed.pathname).toMatch(/^\/interaction\/[\w-]+$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    const signin = visited.find(
      (url) => url.origin === new URL(baseURL ?? "").origin && url.pathname === "/signin",
    );
    expect(signin, `visited: ${visited.map(String).join(" → ")}`).toBeDefined();
    expect(signin?.searchParams.get("callbackUrl")).toBe("/");
  });

  test("a deep link (/settings) comes back to /settings after sign-in", async ({ page }) => {
    await page.goto("/settings");
    await expectIdpLoginForm(page);
    await submitIdpLogin(page, "admin");
    await expect(page).toHaveURL((url) => url.pathname === "/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  });

  test("a wrong password keeps the user at the IdP with an error", async ({ page, idpOrigin }) => {
    await page.goto("/");
    await expectIdpLoginForm(page);
    await page.locator("#login").fill("admin");
    await page.locator("#password").fill("not-the-password");
    await page.locator("button[type=submit]").click();
    await expect(page.getByRole("alert")).toBeVisible();
    expect(new URL(page.url()).origin).toBe(idpOrigin);
    await expect(page.locator("#login")).toHaveValue("admin");
  });
});
