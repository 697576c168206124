// The audit log in Chromium: the auditor of acme reads, filters and exports acme's log and cannot reach
// initech's; the bootstrap admin verifies the chain; the dashboard's activity chart renders under the
// nonce-based CSP without violations. Screenshots at 1280×800 are kept in the test output.
import { readFile } from "node:fs/promises";
import type { ConsoleMessage, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

/** Console errors and uncaught exceptions of the page (CSP violations are reported as console errors). */
function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    // Failed responses are listed below with their URL (Chromium's own /favicon.ico probe 404s).
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

test("the auditor filters acme's audit log, exports it as CSV, and cannot open initech's", async ({
  page,
}, testInfo) => {
  const problems = collectProblems(page);
  await signInAs(page, "auditor", "/tenants/acme/audit");
  await expect(page).toHaveURL((url) => url.pathname === "/tenants/acme/audit");
  await expect(page.getByRole("heading", { level: 2, name: "Audit log" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Organisation sections" }).getByRole("link", { name: "Audit" }),
  ).toHaveAttribute("aria-current", "page");

  // The demo seed's changes of acme are there; no other organisation's.
  const rows = page.locator("table.audit-table tbody tr");
  await expect(rows.first()).toBeVisible();
  const everyAction = await page.locator("table.audit-table tbody td code").allInnerTexts();
  expect(everyAction.length).toBeGreaterThan(1);
  expect(await page.locator("table.audit-table").innerText()).not.toContain("initech");

  // Filter: only mapping creations for the auditors' group.
  await page.getByLabel("Action").fill("mapping.create");
  await page.getByLabel("Search").fill("acme-auditors");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("action") === "mapping.create");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("mapping.create");
  await expect(rows.first()).toContainText("GROUP:acme-auditors");
  // The before/after diff shows what was created.
  await expect(rows.first().locator(".audit-diff ins", { hasText: "acme-auditors" }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("audit-acme-filtered.png") });

  // A bad filter is a message naming the field, not an error page.
  await page.goto("/tenants/acme/audit?from=yesterday");
  await expect(page.locator(".alert.danger[role=alert]")).toContainText("from must be a date");
  await expect(page.getByLabel("From")).toHaveAttribute("aria-invalid", "true");

  // Export the filtered set as CSV and read the file the browser saved.
  await page.goto("/tenants/acme/audit?action=mapping.create");
  const expectedRows = await rows.count();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-acme-\d{8}T\d{6}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    "id,at,actor_type,actor_sub,actor_name,tenant,action,target_type,target_id,before,after,request_id,ip,user_agent,hash",
  );
  expect(lines.length - 1).toBe(expectedRows);
  for (const line of lines.slice(1)) expect(line).toMatch(/,acme,mapping\.create,mapping,/);
  expect(csv).toContain("GROUP:acme-auditors");

  // Machine activity beside it, with the same filters.
  await page.getByRole("link", { name: "Machine activity" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("view") === "activity");

  expect(problems).toEqual([]);

  // Initech is not the auditor's: pages and API answer 404, like everywhere else.
  const initech = await page.goto("/tenants/initech/audit");
  expect(initech?.status()).toBe(404);
  expect((await page.request.get("/api/console/audit?tenant=initech")).status()).toBe(404);
  expect((await page.request.get("/api/console/audit/export?tenant=initech&format=csv")).status()).toBe(404);
  const global = await page.request.get("/api/console/audit?limit=200");
  expect(global.status()).toBe(200);
  const body = (await global.json()) as { entries: { tenantSlug: string | null }[] };
  expect(new Set(body.entries.map((entry) => entry.tenantSlug))).toEqual(new Set(["acme"]));
  // Verifying the whole chain is the bootstrap admin's.
  expect((await page.request.get("/api/console/audit/verify")).status()).toBe(403);
});

test("the bootstrap admin verifies the chain and sees the activity chart without CSP violations", async ({
  page,
}, testInfo) => {
  const problems = collectProblems(page);
  await signInAs(page, "admin", "/audit?action=authz.denied&actor=demo-auditor");
  // The auditor's refused verification (previous test) was audited, off the request path.
  await expect(
    page.locator("table.audit-table tbody tr", { hasText: "GET /api/console/audit/verify" }).first(),
  ).toBeVisible();
  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  // The admin's own sign-in is in the log.
  await expect(page.locator("table.audit-table tbody tr", { hasText: "auth.sign_in" }).first()).toBeVisible();
  await page.getByRole("button", { name: "Verify integrity" }).click();
  await expect(page.getByRole("status").filter({ hasText: "OK:" })).toContainText(
    /OK: [\d,]+ entries, chain unbroken/,
  );
  await page.screenshot({ path: testInfo.outputPath("audit-global.png") });

  await page.goto("/");
  const chart = page.getByTestId("activity-chart");
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  // The seed's changes and this sign-in are in the last 24 hours: bars are drawn.
  await expect(
    chart.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle rect").first(),
  ).toBeAttached();
  await expect(page.getByRole("region", { name: "Activity" })).toContainText("Sign-ins");
  await page.getByRole("region", { name: "Activity" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("dashboard-activity.png") });
  await page.getByRole("link", { name: "14 days" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("activity") === "14d");
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();

  await page.goto("/tenants/acme");
  await expect(page.getByTestId("activity-chart").locator("svg.recharts-surface").first()).toBeVisible();
  await page.getByRole("region", { name: "Activity" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("tenant-overview-activity.png") });
  expect(problems.filter((problem) => /Content Security Policy|Refused to/i.test(problem))).toEqual([]);
  expect(problems).toEqual([]);
});
