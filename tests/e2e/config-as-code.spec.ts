// Config as code in the browser: the bootstrap admin exports acme, uploads an edited file, reviews the
// plan, applies it, then rolls it back from the History tab (itself a reviewed plan). A malformed file
// is refused with its line and column, and nothing changes.
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const SUBJECT = `acme-importers-${RUN}`;

test("the admin imports a file, reviews the plan, applies it and rolls it back", async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  await signInAs(page, "admin", "/tenants/acme/config");
  await expect(page.getByRole("heading", { level: 1, name: "Config as code" })).toBeVisible();

  const exported = await page.request.get("/api/console/config/export?tenant=acme&format=yaml");
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-disposition"]).toContain('filename="acme.yaml"');
  const original = await exported.text();
  expect(original).toContain("slug: acme");
  const edited = original.replace(
    "    mappings:\n",
    `    mappings:\n      - subjectType: GROUP\n        subject: ${SUBJECT}\n        role: credential-issuer\n        scope: global\n        note: Imported in the browser\n`,
  );
  expect(edited).not.toBe(original);

  // A malformed file: refused with the place, no plan.
  await page.locator("#config-file").setInputFiles({
    name: "broken.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from("format: sts-config/v1\ntenants: []\ntenants: []\n"),
  });
  await page.getByRole("button", { name: "Make plan" }).click();
  await expect(page.locator(".alert.danger")).toContainText("broken.yaml:3:1: duplicate key");
  await expect(page.getByRole("button", { name: "Apply plan" })).toHaveCount(0);

  await page.locator("#config-file").setInputFiles({
    name: "acme.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(edited),
  });
  await page.getByRole("button", { name: "Make plan" }).click();
  const plan = page.getByRole("region", { name: "Plan for acme" });
  await expect(plan).toBeVisible();
  await expect(plan.locator("tr.diff-added")).toHaveCount(1);
  await expect(plan.locator("tr.diff-added")).toContainText(SUBJECT);
  await expect(plan).toContainText("never been seen");
  await expect(page.locator(".plan-summary")).toContainText("+1 · −0 · ~0");
  await page.screenshot({ path: testInfo.outputPath("config-import-plan.png"), fullPage: true });

  await page.getByRole("button", { name: "Apply plan" }).click();
  const applied = page.locator(".alert.ok", { hasText: "Applied." });
  await expect(applied).toBeVisible();
  const revisionText = (await applied.textContent()) ?? "";
  const revision = Number(/now at revision (\d+)/.exec(revisionText)?.[1]);
  expect(revision).toBeGreaterThan(0);
  const mapped = await page.request.get(`/api/console/tenants/acme/mappings?q=${SUBJECT}`);
  expect(((await mapped.json()) as { total: number }).total).toBe(1);

  // History: the import is the newest revision, and the default diff shows what it changed.
  await page
    .getByRole("navigation", { name: "Organisation sections" })
    .getByRole("link", { name: "History" })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
  const rows = page.locator("table.history-table tbody tr");
  await expect(rows.first()).toContainText(String(revision));
  await expect(rows.first()).toContainText("Config imported");
  await expect(rows.first()).toContainText("Ada Admin");
  const diff = page.getByRole("region", { name: "Difference between revisions" });
  await expect(diff).toContainText(`Revision ${revision - 1} → ${revision}`);
  await expect(diff.locator("tr.diff-added")).toContainText(SUBJECT);
  await page.screenshot({ path: testInfo.outputPath("tenant-history.png"), fullPage: false });

  await page.getByRole("button", { name: `Roll back to ${revision - 1}` }).click();
  const dialog = page.getByRole("dialog", { name: `Roll back to revision ${revision - 1}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator("tr.diff-removed")).toContainText(SUBJECT);
  await page.screenshot({ path: testInfo.outputPath("tenant-rollback-plan.png"), fullPage: false });
  await dialog.getByRole("button", { name: "Apply rollback" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByText(`Rolled back to revision ${revision - 1}; now at revision ${revision + 1}.`),
  ).toBeVisible();
  await expect(rows.first()).toContainText("Rolled back");
  const after = await page.request.get(`/api/console/tenants/acme/mappings?q=${SUBJECT}`);
  expect(((await after.json()) as { total: number }).total).toBe(0);
  const restored = await page.request.get("/api/console/config/export?tenant=acme&format=yaml");
  expect(await restored.text()).toBe(original);
});

test("the import API refuses oversized, non-JSON and cross-origin uploads before reading them", async ({
  page,
  baseURL,
}) => {
  await signInAs(page, "admin", "/config");
  await expect(page.getByRole("heading", { level: 1, name: "Config as code" })).toBeVisible();
  const headers = { origin: new URL(baseURL!).origin, "content-type": "application/json" };
  const huge = await page.request.post("/api/console/config/plan", {
    headers,
    data: JSON.stringify({
      file: `format: sts-config/v1\n#${"x".repeat(10 * 1024 * 1024)}`,
      fileName: "huge.yaml",
    }),
  });
  expect(huge.status()).toBe(413);
  expect(await huge.json()).toMatchObject({ error: "payload_too_large" });
  const form = await page.request.post("/api/console/config/plan", {
    headers: { origin: headers.origin, "content-type": "text/plain" },
    data: "format: sts-config/v1",
  });
  expect(form.status()).toBe(415);
  const foreign = await page.request.post("/api/console/config/apply", {
    headers: { ...headers, origin: "https://evil.example" },
    data: JSON.stringify({ file: "{}", baseRevisions: {}, baseDigests: {} }),
  });
  expect(foreign.status()).toBe(403);
  const bad = await page.request.post("/api/console/config/plan", {
    headers,
    data: JSON.stringify({ file: "format: sts-config/v1\ntenants:\n  - slug: [\n", fileName: "bad.yaml" }),
  });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { message: string }).message).toMatch(/^bad\.yaml:\d+:\d+/);
  const schema = await page.request.get("/api/console/config/schema");
  expect(schema.status()).toBe(200);
  expect(((await schema.json()) as { properties: object }).properties).toHaveProperty("tenants");
});
