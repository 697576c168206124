import { expect, test } from "./fixtures";
import { expectIdpLoginForm, signInAs } from "./helpers/sign-in";

test("signing out ends the console session and the IdP session", async ({ page, context }) => {
  await signInAs(page, "admin");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ada Admin" })).toBeVisible();

  await page.locator("header.topbar").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/signed-out");
  await expect(page.getByRole("heading", { level: 1, name: "You are signed out" })).toBeVisible();

  const cookies = await context.cookies();
  expect(cookies.filter((cookie) => cookie.name.startsWith("next-auth.session-token"))).toEqual([]);

  // Had the IdP session survived, the IdP would sign the user straight back in without a form.
  await page.goto("/");
  await expectIdpLoginForm(page);
});

test("signing out from /no-access works the same way", async ({ page }) => {
  await signInAs(page, "visitor");
  await expect(page).toHaveURL((url) => url.pathname === "/no-access");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/signed-out");
  await expect(page.getByRole("heading", { level: 1, name: "You are signed out" })).toBeVisible();
  await page.goto("/no-access");
  await expectIdpLoginForm(page);
});
