// The auditor's questions in the browser: the permission matrix of acme (cells explain themselves on
// hover and on keyboard focus; CSV export), the explorer fed with a real development-IdP access token
// pasted into the page (decoded in the browser; the token never reaches the console), unmapped groups
// with one-click mapping for an administrator, and no way into another organisation. Screenshots at
// 1280×800 go to test-results/screens/.
import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { obtainIamAccessToken } from "./helpers/iam-token";
import { signInAs } from "./helpers/sign-in";

const SCREENS = "test-results/screens";

test.describe("matrix, explorer and unmapped groups", () => {
  test("the auditor reads acme's matrix: hover and focus explain a cell, CSV exports it", async ({
    page,
  }) => {
    await signInAs(page, "auditor", "/tenants/acme/matrix");
    await expect(page.getByRole("heading", { name: "Permission matrix" })).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Organisation sections" }).getByRole("link"),
    ).toHaveText([
      "Overview",
      "Mappings",
      "Roles",
      "Matrix",
      "Explorer",
      "Unmapped groups",
      "Audit",
      "History",
      "Config as code",
    ]);
    const grid = page.getByRole("grid");
    await expect(grid).toBeVisible();

    // Hover: the auditor template's STS_IAM_ROLE_LIST cell (only the columns in view are rendered:
    // narrow them to the category first).
    await page.getByLabel("Category").selectOption("IAM role mapping (STS)");
    const columns = await grid.locator("thead th.matrix-key").allInnerTexts();
    expect(columns).toEqual([
      "STS_IAM_ROLE_CREATE",
      "STS_IAM_ROLE_DELETE",
      "STS_IAM_ROLE_DETAIL",
      "STS_IAM_ROLE_EDIT",
      "STS_IAM_ROLE_LIST",
    ]);
    const cellOf = (row: ReturnType<typeof grid.getByRole>, column: number) =>
      row.locator(`td.matrix-cell[data-column="${column}"]`);
    const auditorRow = grid.getByRole("row", { name: /Read-only auditor/ });
    const listCell = cellOf(auditorRow, 4);
    await expect(listCell).toHaveAccessibleName("granted");
    await listCell.hover();
    const tooltip = page.getByRole("tooltip");
    await expect(tooltip).toHaveText(
      /Read-only auditor \(read-only-auditor\) holds STS_IAM_ROLE_LIST; mapped/,
    );
    await page.screenshot({ path: `${SCREENS}/matrix.png` });

    // Keyboard: focus moves with the arrows and the explanation follows the focus.
    await page.mouse.move(0, 0);
    await listCell.focus();
    await expect(tooltip).toHaveText(/STS_IAM_ROLE_LIST/);
    await expect(listCell).toHaveAttribute("aria-describedby", /.+/);
    await page.keyboard.press("ArrowLeft");
    await expect(tooltip).toHaveText(
      "Read-only auditor (read-only-auditor) does not hold STS_IAM_ROLE_EDIT.",
    );
    await expect(cellOf(auditorRow, 3)).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(page.locator("td.matrix-cell:focus")).toHaveCount(1);
    await expect(tooltip).toHaveText(/STS_IAM_ROLE_EDIT/);
    // End reaches the last column of the whole catalog, rendered on demand as the grid scrolls.
    await page.getByLabel("Category").selectOption("");
    await cellOf(auditorRow, 0).focus();
    await page.keyboard.press("End");
    await expect(page.locator("td.matrix-cell:focus")).toHaveCount(1);
    await expect(tooltip).toHaveText(
      /Read-only auditor \(read-only-auditor\) (holds|does not hold) WALLET_UNIT_/,
    );
    await page.screenshot({ path: `${SCREENS}/matrix-all-categories.png` });

    // Groups and clients: what each mapped name gets, and through which role.
    await page.getByLabel("Category").selectOption("IAM role mapping (STS)");
    await page.getByText(/^Groups & clients/).click();
    const groupRow = grid.getByRole("row", { name: /acme-auditors/ });
    await cellOf(groupRow, 4).hover();
    await expect(tooltip).toHaveText(
      "acme-auditors gets STS_IAM_ROLE_LIST through Read-only auditor (read-only-auditor).",
    );

    // Filters: one category, only granted.
    await page.getByLabel("Category").selectOption("Credential");
    await expect(grid.locator("thead tr.matrix-keys th").first()).toHaveText(/^CREDENTIAL_/);
    await page.getByLabel("Only granted").check();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, "utf8").trim().split("\r\n");
    expect(lines[0]).toMatch(/^subject,type,CREDENTIAL_/);
    expect(lines.some((line) => line.startsWith("acme-auditors,GROUP,"))).toBe(true);
    expect(lines.find((line) => line.startsWith("acme-auditors,GROUP,"))).toContain("read-only-auditor");
  });

  test("the explorer reads a pasted real IAM token in the browser and explains it", async ({
    page,
    browser,
    baseURL,
    idpOrigin,
  }) => {
    // The token comes from a context of its own (an IdP session there must not sign this page in).
    const tokenContext = await browser.newContext({ baseURL });
    const token = await obtainIamAccessToken(await tokenContext.newPage(), baseURL, idpOrigin, "auditor");
    await tokenContext.close();

    const sentToConsole: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${baseURL}/`))
        sentToConsole.push(
          `${request.url()} ${request.postData() ?? ""} ${JSON.stringify(request.headers())}`,
        );
    });
    await signInAs(page, "auditor", "/tenants/acme/explorer");
    await page.getByText("Read the names from an IAM token").click();
    await page.getByLabel("IAM access or ID token (JWT)").fill(token);
    await page.getByRole("button", { name: "Read names from token" }).click();
    await expect(page.getByRole("status").filter({ hasText: "decoded in this browser only" })).toContainText(
      "token for demo-auditor",
    );
    await expect(page.getByLabel("IAM access or ID token (JWT)")).toHaveValue("");
    await expect(page.getByLabel("IAM role / group names, one per line")).toHaveValue(
      "acme-auditors\nDomain Users",
    );

    const result = page.getByRole("region", { name: /Effective access in Acme/ });
    await expect(result).toBeVisible();
    const names = result.getByRole("table", { name: "Names and the roles they map to" });
    await expect(names.getByRole("row", { name: /acme-auditors/ })).toContainText("Read-only auditor");
    await expect(names.getByRole("row", { name: /Domain Users/ })).toContainText("Matches nothing");
    const provenance = result.getByRole("table", { name: "Permissions with provenance" });
    await expect(provenance.getByRole("row", { name: /STS_IAM_ROLE_LIST/ })).toContainText(
      /acme-auditors\s*→\s*Read-only auditor/,
    );

    // A near miss: the same group in other letter case matches nothing and is flagged.
    await page.getByLabel("IAM role / group names, one per line").fill("acme-auditors\nACME-Auditors");
    await page.getByRole("button", { name: "Explain access" }).click();
    await expect(result.getByRole("note")).toContainText(
      '"ACME-Auditors" matches nothing, but differs from the mapped "acme-auditors" only by letter case.',
    );

    // What-if, nothing saved: removing the auditors' mapping takes STS_IAM_ROLE_LIST away.
    await page.getByText("Remove a mapping").click();
    await page
      .getByLabel("Mapping", { exact: true })
      .selectOption({ label: "acme-auditors → Read-only auditor" });
    await page.getByRole("button", { name: "Show the effect" }).click();
    await expect(
      page.getByRole("list", { name: /“acme-auditors” alone: permissions gained and lost/ }),
    ).toContainText("− STS_IAM_ROLE_LIST");
    await page.getByLabel("IAM role / group names, one per line").fill("acme-auditors\nDomain Users");
    await page.getByRole("button", { name: "Explain access" }).click();
    await expect(names.getByRole("row", { name: /Domain Users/ })).toContainText("Matches nothing");
    await page.screenshot({ path: `${SCREENS}/explorer.png`, fullPage: true });
    await result.getByRole("heading", { name: "Names given" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/explorer-results.png` });

    // The token itself never went to the console, in any request body, URL or header.
    expect(sentToConsole.length).toBeGreaterThan(0);
    for (const request of sentToConsole) expect(request).not.toContain(token.slice(-40));
  });

  test("the auditor cannot reach initech's matrix or explorer, page or API", async ({ page, baseURL }) => {
    await signInAs(page, "auditor", "/tenants/acme/unmapped");
    await expect(page.getByRole("heading", { name: "Unmapped groups", level: 1 })).toBeVisible();
    await expect(page.getByRole("row", { name: /Domain Users/ })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/unmapped.png` });

    for (const path of [
      "/tenants/initech/matrix",
      "/tenants/initech/explorer",
      "/tenants/initech/unmapped",
    ]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: "Organisation not found" })).toBeVisible();
      await expect(page.getByRole("grid")).toHaveCount(0);
    }
    const matrix = await page.request.get("/api/console/tenants/initech/matrix");
    expect(matrix.status()).toBe(404);
    const explain = await page.request.post("/api/console/tenants/initech/explain", {
      data: { groups: ["initech-admins"] },
      headers: { origin: new URL(baseURL!).origin },
    });
    expect(explain.status()).toBe(404);
    const everywhere = await page.request.get("/api/console/unmapped");
    expect(everywhere.status()).toBe(403);
    const where = await page.request.get("/api/console/access?subject=initech-admins");
    expect(await where.json()).toMatchObject({ tenants: [], scope: "readable" });
  });

  test("an administrator maps an unmapped group in one click", async ({ page }) => {
    await signInAs(page, "admin", "/tenants/acme/unmapped");
    await page.getByRole("link", { name: "Map Domain Users in Acme Corporation" }).click();
    await expect(page).toHaveURL(/\/tenants\/acme\/mappings\?new=1&subject=Domain%20Users$/);
    const dialog = page.getByRole("dialog", { name: "New access" });
    await expect(dialog.getByRole("combobox", { name: "IAM role name" })).toHaveValue("Domain Users");
    await page.goto("/access");
    await expect(page.getByRole("heading", { name: "Access lookup" })).toBeVisible();
    await page.getByLabel("Name, exactly as sent").fill("acme-auditors");
    await page.getByRole("button", { name: "Look up" }).click();
    await expect(page.getByRole("table", { name: "Where acme-auditors has access" })).toContainText("Acme");
    await page.screenshot({ path: `${SCREENS}/access-lookup.png`, fullPage: true });
  });
});
