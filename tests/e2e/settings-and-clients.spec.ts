// Settings and technical clients as the bootstrap admin and a tenant admin use them: the signing keys
// on /settings (the demo's ACTIVE key, a new NEXT key whose promotion waits for the publish lead), and
// a technical client registered on /clients whose one-time secret works against the machine API until
// it is revoked.
//
// Serial: the tests share this run's database (fresh per run); names carry the run's suffix.
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const CLIENT_ID = `e2e-reader-${RUN}`;

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`;
}

test("the bootstrap admin sees the active key and creates a NEXT key that cannot be promoted yet", async ({
  page,
  baseURL,
}, testInfo) => {
  await signInAs(page, "admin", "/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  // The existing configuration table is still there, next to the new sections.
  await expect(page.getByRole("heading", { name: "Identity provider and claims" })).toBeVisible();
  const tokenService = page.getByRole("region", { name: "Token service" }).first();
  await expect(tokenService.getByText(`${baseURL}/.well-known/jwks.json`)).toBeVisible();
  await expect(tokenService.getByRole("button", { name: /Copy the URL of the JWKS/ })).toBeVisible();

  // The section, not the scrollable table inside it (labelled by the same heading).
  const keys = page.getByRole("region", { name: "Signing keys" }).first();
  const table = keys.locator("table.keys-table");
  const activeRow = table.locator("tbody tr", { has: page.locator(".badge", { hasText: /^Active$/ }) });
  await expect(activeRow).toHaveCount(1);
  // The public JWK is shown on demand.
  await activeRow.getByText("Public JWK").click();
  await expect(activeRow.locator("pre")).toContainText('"crv": "Ed25519"');

  const create = keys.getByRole("button", { name: "Create next key" });
  await expect(create).toBeEnabled();
  await create.click();
  const nextRow = table.locator("tbody tr", { has: page.locator(".badge", { hasText: /^Next$/ }) });
  await expect(nextRow).toHaveCount(1);
  const promote = nextRow.getByRole("button", { name: "Promote" });
  await expect(promote).toBeDisabled();
  // Published just now: the default STS_JWKS_PUBLISH_LEAD (1 h) is still running.
  await expect(nextRow).toContainText(
    /Can be promoted at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in (59|60|61) min\)/,
  );
  await expect(create).toBeDisabled();
  await expect(keys).toContainText("Promote the next key before creating another.");

  // The API refuses too, naming the lead time.
  const listed = (await (await page.request.get("/api/console/keys")).json()) as {
    keys: { kid: string; status: string; version: number }[];
  };
  const next = listed.keys.find((key) => key.status === "NEXT");
  expect(next).toBeDefined();
  const refused = await page.request.post(`/api/console/keys/${next!.kid}/promote`, {
    headers: { origin: new URL(baseURL!).origin },
    data: { version: next!.version },
  });
  expect(refused.status()).toBe(409);
  expect(((await refused.json()) as { message: string }).message).toContain("STS_JWKS_PUBLISH_LEAD");

  await page.screenshot({ path: testInfo.outputPath("settings.png"), fullPage: true });
});

test("a client registered for acme works with its one-time secret until it is revoked", async ({
  page,
}, testInfo) => {
  await signInAs(page, "admin", "/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Technical clients" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Technical clients" }),
  ).toHaveAttribute("aria-current", "page");

  await page.getByRole("button", { name: "Register client" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Register a technical client" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Client id")).toBeFocused();
  // Client-side validation with the server's schema, before anything is sent.
  await dialog.getByRole("button", { name: "Register client" }).click();
  await expect(dialog.locator(".field-error").first()).toBeVisible();

  await dialog.getByLabel("Client id").fill(CLIENT_ID);
  await dialog.getByLabel("Name").fill("E2E reader");
  await expect(dialog.getByRole("radio", { name: "One organisation" })).toBeChecked();
  await dialog.getByLabel("Organisation", { exact: true }).selectOption("acme");
  await dialog.getByRole("button", { name: "Register client" }).click();

  const secretDialog = page.getByRole("dialog", { name: `Client “${CLIENT_ID}” registered` });
  await expect(secretDialog).toBeVisible();
  await expect(secretDialog).toContainText("it will not be shown again");
  const secretField = secretDialog.getByLabel("Client secret", { exact: true });
  await expect(secretField).toBeFocused();
  const secret = await secretField.inputValue();
  expect(secret).toMatch(/^sts_[\w-]{40,}$/);
  await expect(secretDialog.locator("pre")).toContainText(`${CLIENT_ID}:${secret}`);
  await expect(secretDialog.locator("pre")).toContainText("/api/v1/resolve");
  await expect(secretDialog.getByRole("button", { name: "Copy the client secret" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("client-secret.png") });

  const resolve = () =>
    page.request.post("/api/v1/resolve", {
      headers: { authorization: basic(CLIENT_ID, secret) },
      data: { tenant: "acme", groups: ["acme-auditors"] },
    });
  const allowed = await resolve();
  expect(allowed.status(), await allowed.text()).toBe(200);
  expect(await allowed.json()).toMatchObject({ tenant: { slug: "acme" } });

  await secretDialog.getByRole("button", { name: "I have stored the secret" }).click();
  await expect(secretDialog).toBeHidden();
  const row = page.locator("table.clients-table tbody tr", { hasText: CLIENT_ID });
  await expect(row).toContainText("Acme Corporation");
  await expect(row.locator(".badge", { hasText: /^Active$/ })).toBeVisible();

  await row.getByRole("button", { name: `Revoke ${CLIENT_ID}` }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this client?" });
  await expect(confirm).toContainText("This cannot be undone.");
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Revoke client" }).click();
  await expect(confirm).toBeHidden();
  await expect(row.locator(".badge", { hasText: /^Revoked$/ })).toBeVisible();
  await expect(row.getByRole("button", { name: `Revoke ${CLIENT_ID}` })).toHaveCount(0);

  // The status filter narrows the list to active or revoked clients.
  const statusFilter = page.getByLabel("Status", { exact: true });
  await statusFilter.selectOption("Active");
  await expect(row).toHaveCount(0);
  await statusFilter.selectOption("Revoked");
  await expect(row).toBeVisible();
  await expect(page.locator("table.clients-table tbody tr .badge", { hasText: /^Active$/ })).toHaveCount(0);
  await statusFilter.selectOption("All statuses");
  await expect(row).toBeVisible();

  // Revocation is announced to every instance at once (NOTIFY); allow the credential cache's short TTL.
  await expect.poll(async () => (await resolve()).status(), { timeout: 10_000 }).toBe(401);
});

test("the tenant admin can register clients for acme only, never for all organisations", async ({
  page,
}, testInfo) => {
  await signInAs(page, "tenant-admin", "/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Technical clients" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Technical clients" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);

  await page.getByRole("button", { name: "Register client" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Register a technical client" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Read access to all organisations")).toHaveCount(0);
  await expect(dialog.getByRole("radio")).toHaveCount(0);
  // Only organisations where they may add mappings: acme (and globex, if the mapping-console spec has
  // handed it to acme's admins in this run), never initech.
  const organisation = dialog.getByLabel("Organisation", { exact: true });
  await expect(organisation.locator("option", { hasText: "Acme Corporation (acme)" })).toHaveCount(1);
  await expect(organisation.locator("option", { hasText: "initech" })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("clients-tenant-admin.png") });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  // /settings stays the bootstrap administrator's.
  await page.goto("/settings");
  await expect(page.locator(".alert.danger")).toContainText("Settings are for the bootstrap administrator.");
});
