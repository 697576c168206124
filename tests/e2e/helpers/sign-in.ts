import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../../../src/server/dev-idp/demo-users";
import { requireServerState } from "./server-state";

/** Waits for the development IdP's login form (reached through /signin's automatic redirect). */
export async function expectIdpLoginForm(page: Page): Promise<void> {
  const idpOrigin = new URL(requireServerState().idpIssuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin && url.pathname.startsWith("/interaction/"));
  await expect(page.locator("#login")).toBeVisible();
  await expect(page.locator("#password")).toBeVisible();
}

/** Fills and submits the IdP's login form, then waits until the browser is back on a console page. */
export async function submitIdpLogin(page: Page, login: string, password = DEMO_PASSWORD): Promise<void> {
  const consoleOrigin = new URL(requireServerState().baseURL).origin;
  await page.locator("#login").fill(login);
  await page.locator("#password").fill(password);
  await page.locator("button[type=submit]").click();
  await page.waitForURL(
    (url) =>
      url.origin === consoleOrigin &&
      !url.pathname.startsWith("/api/auth/") &&
      !url.pathname.startsWith("/signin"),
  );
}

/** Signs in a demo user from scratch: opens `path` (default "/"), logs in at the IdP, waits for the console. */
export async function signInAs(page: Page, login: string, path = "/"): Promise<void> {
  await page.goto(path);
  await expectIdpLoginForm(page);
  await submitIdpLogin(page, login);
}
