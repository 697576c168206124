import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

test("the bootstrap admin signs in and sees the dashboard", async ({ page }, testInfo) => {
  await signInAs(page, "admin");
  await expect(page).toHaveURL((url) => url.pathname === "/");

  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ada Admin" })).toBeVisible();

  const checklist = page.getByRole("region", { name: "Bootstrap checklist" });
  await expect(checklist).toBeVisible();
  await expect(checklist.locator("ol.checklist > li")).toHaveCount(4);
  // The IdP answered the discovery request on the way in, so that step is done.
  await expect(checklist.locator("li", { hasText: "Identity provider reachable" })).toContainText("Done");

  const signIn = page.getByRole("region", { name: "Your sign-in" });
  await expect(signIn.locator(".chip", { hasText: /^ONE_STS_ADMIN$/ })).toBeVisible();
  await expect(signIn.locator(".chip", { hasText: /^platform-operators$/ })).toBeVisible();

  // The topbar names the signed-in user and offers sign-out; the admin-only navigation is there.
  await expect(page.locator("header.topbar")).toContainText("Ada Admin");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }),
  ).toBeVisible();

  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
});
