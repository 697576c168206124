import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

test.describe("users without mapped access", () => {
  test("visitor lands on /no-access and sees the roles and groups received", async ({ page }, testInfo) => {
    await signInAs(page, "visitor");
    await expect(page).toHaveURL((url) => url.pathname === "/no-access");
    await expect(page.getByRole("heading", { level: 1, name: "No access to this console" })).toBeVisible();
    await expect(page.locator("main")).toContainText("Victor Visitor");

    const received = (await page.locator(".chip").allInnerTexts()).map((text) => text.trim()).sort();
    expect(received).toEqual(["Domain Users", "employee", "marketing"]);
    await expect(page.getByText("none received", { exact: true })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath("no-access.png"), fullPage: true });

    // The console itself stays closed.
    await page.goto("/");
    await expect(page).toHaveURL((url) => url.pathname === "/no-access");
    await page.goto("/settings");
    await expect(page).toHaveURL((url) => url.pathname === "/no-access");
  });

  test("nogroups sees that nothing was received", async ({ page }) => {
    await signInAs(page, "nogroups");
    await expect(page).toHaveURL((url) => url.pathname === "/no-access");
    await expect(page.getByRole("heading", { level: 1, name: "No access to this console" })).toBeVisible();
    await expect(page.locator(".chip")).toHaveCount(0);
    // Once for the roles, once for the groups.
    await expect(page.getByText("none received", { exact: true })).toHaveCount(2);

    await page.goto("/");
    await expect(page).toHaveURL((url) => url.pathname === "/no-access");
    await expect(page.getByRole("heading", { level: 1, name: "No access to this console" })).toBeVisible();
  });
});
