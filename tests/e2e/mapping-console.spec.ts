// The mapping console as its administrators use it, in one story: the bootstrap admin creates the
// organisation globex, a role in it and the first mapping (handing globex to acme's STS admins); the
// tenant admin sees only their organisations and adds a mapping; the auditor reads without controls;
// near-miss warnings, optimistic concurrency, confirmation of destructive actions, the last-manager
// rule, the console API's HTTP guards and keyboard-only use.
//
// Serial: later steps use what earlier ones created. The e2e database is fresh each run, so globex is
// created here once; every other name carries this run's suffix.
import { randomUUID } from "node:crypto";
import type {
  APIRequestContext,
  Browser,
  BrowserContext,
  Locator,
  Page,
  PlaywrightWorkerArgs,
} from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";

test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const GLOBEX = { slug: "globex", name: "Globex", id: randomUUID() };
const VIEWER_ROLE = {
  name: "Globex viewer",
  key: "globex-viewer",
  permissions: ["STS_IAM_ROLE_LIST", "STS_IAM_ROLE_DETAIL", "STS_ORGANISATION_DETAIL"],
};
const ORG_ADMIN = "Organisation administrator";
const MANAGERS = "acme-sts-admins";
const READERS = `globex-readers-${RUN}`;
const KEYBOARD_SUBJECT = `globex-keyboard-${RUN}`;

type Cookies = Awaited<ReturnType<BrowserContext["storageState"]>>["cookies"];

/** Cookies of each demo user's session, so every user signs in at the IdP once per worker. */
const sessions = new Map<string, Cookies>();

/** Opens `path` as `login` in this context: signs in the first time, reuses the session afterwards. */
async function openAs(context: BrowserContext, page: Page, login: string, path: string): Promise<void> {
  const cookies = sessions.get(login);
  if (cookies) {
    await context.addCookies(cookies);
    await page.goto(path);
  } else {
    await signInAs(page, login, path);
    sessions.set(login, (await context.storageState()).cookies);
  }
  await expect(page).toHaveURL((url) => url.pathname === path);
}

/** The session cookies of `login`, signing in (in a context of its own) when there are none yet. */
async function sessionOf(browser: Browser, baseURL: string | undefined, login: string): Promise<Cookies> {
  const cached = sessions.get(login);
  if (cached) return cached;
  const context = await browser.newContext({ baseURL });
  try {
    await openAs(context, await context.newPage(), login, "/");
    return sessions.get(login)!;
  } finally {
    await context.close();
  }
}

/** The table row of one mapping (subject chip + role name). */
function mappingRow(page: Page, subject: string, roleName: string): Locator {
  return page
    .getByRole("row")
    .filter({ has: page.locator(".subject-chip", { hasText: new RegExp(`^${subject}$`) }) })
    .filter({ hasText: roleName });
}

/** What the API says is mapped in globex for exactly this subject ("subject → role key"). */
async function mappingsOf(page: Page, subject: string): Promise<string[]> {
  const response = await page.request.get(
    `/api/console/tenants/${GLOBEX.slug}/mappings?q=${encodeURIComponent(subject)}&pageSize=200`,
  );
  expect(response.status()).toBe(200);
  const { rows } = (await response.json()) as { rows: { subject: string; role: { key: string } }[] };
  return rows.filter((row) => row.subject === subject).map((row) => `${row.subject} → ${row.role.key}`);
}

/** A checkbox whose label starts with `text` (labels continue with badges and descriptions). */
function checkboxStartingWith(scope: Locator, text: string): Locator {
  // Not followed by "_": STS_IAM_ROLE_LIST must not match a longer key.
  return scope.getByRole("checkbox", { name: new RegExp(`^${text}(?!_)`) });
}

/** Closes the combobox's list of observed names (it may cover the warnings below it). */
async function closeSuggestions(page: Page, combobox: Locator): Promise<void> {
  // Suggestions arrive with the server's check of the typed name.
  await expect(page.getByText("Checking the name…")).toHaveCount(0);
  if ((await combobox.getAttribute("aria-expanded")) === "true") await page.keyboard.press("Escape");
  await expect(combobox).toHaveAttribute("aria-expanded", "false");
}

/** Presses Tab until `target` has the focus (keyboard only); fails if it never does. */
async function tabTo(page: Page, target: Locator, maxPresses = 30): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("the bootstrap admin creates globex, a three-permission role and hands globex to acme-sts-admins", async ({
  page,
  context,
}) => {
  await openAs(context, page, "admin", "/tenants");
  await expect(page.getByRole("heading", { level: 1, name: "Organisations" })).toBeVisible();

  // The organisation.
  await page.getByRole("button", { name: "New organisation" }).click();
  const create = page.getByRole("dialog", { name: "New organisation" });
  await create.getByLabel("Name", { exact: true }).fill(GLOBEX.name);
  await expect(create.getByLabel("Slug")).toHaveValue(GLOBEX.slug);
  await create.getByLabel("Organisation id").fill(GLOBEX.id);
  await create.getByRole("button", { name: "Create organisation" }).click();
  await page.waitForURL((url) => url.pathname === `/tenants/${GLOBEX.slug}`);
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText(GLOBEX.name);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();

  // A role with exactly three permissions, chosen in the picker.
  const sections = page.getByRole("navigation", { name: "Organisation sections" });
  await sections.getByRole("link", { name: "Roles" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Roles" })).toBeVisible();
  await page.getByRole("button", { name: "New role" }).click();
  const editor = page.getByRole("dialog", { name: "New role" });
  await editor.getByRole("textbox", { name: "Name", exact: true }).fill(VIEWER_ROLE.name);
  await expect(editor.getByRole("textbox", { name: "Key" })).toHaveValue(VIEWER_ROLE.key);
  await editor.getByLabel("Filter permissions").fill("STS_");
  for (const permission of VIEWER_ROLE.permissions) {
    const box = checkboxStartingWith(editor, permission);
    await box.check();
    await expect(box).toBeChecked();
  }
  await expect(editor.getByText("3 permissions selected")).toBeVisible();
  await editor.getByRole("button", { name: "Create role" }).click();
  await expect(editor).toBeHidden();
  const roleRow = page.getByRole("row").filter({ hasText: VIEWER_ROLE.name });
  await expect(roleRow).toHaveCount(1);
  await roleRow.getByText("3 permissions").click(); // the <summary> opens the list
  await expect
    .poll(async () => (await roleRow.getByRole("listitem").allInnerTexts()).map((t) => t.trim()).sort())
    .toEqual([...VIEWER_ROLE.permissions].sort());

  // The first mapping, through "New access": acme's STS admins administer globex.
  await sections.getByRole("link", { name: "Mappings" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "No access mapped yet" })).toBeVisible();
  await page.getByRole("button", { name: "New access" }).click();
  const newAccess = page.getByRole("dialog", { name: "New access" });
  await newAccess.getByRole("combobox", { name: "IAM role name" }).fill(MANAGERS);
  await checkboxStartingWith(newAccess, ORG_ADMIN).check();
  await newAccess.getByRole("button", { name: "Add access" }).click();
  await expect(newAccess).toBeHidden();
  await expect(mappingRow(page, MANAGERS, ORG_ADMIN)).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 2, name: "1 mapping" })).toBeVisible();
});

test("the tenant admin sees acme and globex only, adds a mapping in globex and cannot open initech", async ({
  page,
  context,
}) => {
  await openAs(context, page, "tenant-admin", "/tenants");
  await expect(page.getByRole("heading", { level: 2, name: "2 organisations" })).toBeVisible();
  // Data rows only (the header row has column headers, not cells); the slug is the second cell.
  const rows = page
    .getByRole("table")
    .getByRole("row")
    .filter({ has: page.getByRole("cell") });
  const slugs = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[1]?.textContent?.trim() ?? ""));
  expect(slugs.sort()).toEqual(["acme", "globex"]);
  await expect(page.getByRole("link", { name: "Initech" })).toHaveCount(0);

  await page.getByRole("link", { name: GLOBEX.name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === `/tenants/${GLOBEX.slug}`);
  await page
    .getByRole("navigation", { name: "Organisation sections" })
    .getByRole("link", { name: "Mappings" })
    .click();
  await page.waitForURL((url) => url.pathname === `/tenants/${GLOBEX.slug}/mappings`);
  await expect(mappingRow(page, MANAGERS, ORG_ADMIN)).toHaveCount(1);

  await page.getByRole("button", { name: "New access" }).click();
  const dialog = page.getByRole("dialog", { name: "New access" });
  await dialog.getByRole("combobox", { name: "IAM role name" }).fill(READERS);
  // Before saving: the name was never seen in a sign-in or token exchange.
  await expect(
    dialog.getByRole("listitem").filter({ hasText: `"${READERS}" has never been seen` }),
  ).toBeVisible();
  const viewer = checkboxStartingWith(dialog, VIEWER_ROLE.name);
  await expect(viewer).toBeEnabled(); // the tenant admin holds all three permissions in globex
  await viewer.check();
  await dialog.getByRole("button", { name: "Add access" }).click();
  await expect(dialog).toBeHidden();
  await expect(mappingRow(page, READERS, VIEWER_ROLE.name)).toHaveCount(1);

  // initech is not theirs: the page says not found, the API answers 404.
  const initech = await page.goto("/tenants/initech");
  expect(initech?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Organisation not found" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toHaveCount(0);
  expect((await page.request.get("/api/console/tenants/initech/mappings")).status()).toBe(404);
});

test("the auditor reads acme's mappings without any change control and cannot open globex", async ({
  page,
  context,
}) => {
  await openAs(context, page, "auditor", "/tenants/acme/mappings");
  await expect(page.getByRole("heading", { level: 1, name: "Mappings" })).toBeVisible();
  await expect(page.getByText("You have read-only access here.")).toBeVisible();
  await expect(mappingRow(page, "acme-auditors", "Read-only auditor")).toHaveCount(1);

  await expect(page.getByRole("button", { name: "New access" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Edit\b/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove\b/ })).toHaveCount(0);
  await expect(page.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);

  const globex = await page.goto(`/tenants/${GLOBEX.slug}/mappings`);
  expect(globex?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Organisation not found" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Mappings" })).toHaveCount(0);
  expect((await page.request.get(`/api/console/tenants/${GLOBEX.slug}/mappings`)).status()).toBe(404);
});

test("a name that differs from a mapped one only by case is flagged before saving", async ({
  page,
  context,
}) => {
  await openAs(context, page, "admin", "/tenants/acme/mappings");
  await page.getByRole("button", { name: "New access" }).click();
  const dialog = page.getByRole("dialog", { name: "New access" });
  const subject = dialog.getByRole("combobox", { name: "IAM role name" });
  await subject.fill("Acme-Auditors");
  // "mapped" here, or "observed" once the auditor has signed in: either way it names the real group.
  await expect(
    dialog.getByRole("listitem").filter({
      hasText: /"Acme-Auditors" differs from the (mapped|observed) name "acme-auditors" only by letter case/,
    }),
  ).toBeVisible();
  await closeSuggestions(page, subject);
  // The warning offers the known name; choosing it shows the existing mapping instead.
  await dialog.getByRole("button", { name: "Use acme-auditors instead" }).click();
  await expect(subject).toHaveValue("acme-auditors");
  await expect(dialog.getByText(/differs from the/)).toHaveCount(0);
  const auditorRole = checkboxStartingWith(dialog, "Read-only auditor");
  await expect(auditorRole).toBeChecked();
  await expect(auditorRole).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("a stale edit is refused with a reload that shows the other administrator's note", async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  const first = page;
  await openAs(context, first, "admin", `/tenants/${GLOBEX.slug}/mappings`);
  const secondContext = await browser.newContext({ baseURL });
  try {
    await secondContext.addCookies(await sessionOf(browser, baseURL, "admin"));
    const second = await secondContext.newPage();
    await second.goto(`/tenants/${GLOBEX.slug}/mappings`);

    const editName = `Edit mapping of ${READERS} to ${VIEWER_ROLE.name}`;
    const dialogs = [first, second].map((p) => p.getByRole("dialog", { name: "Edit mapping" }));
    for (const [index, p] of [first, second].entries()) {
      await p.getByRole("button", { name: editName }).click();
      await expect(dialogs[index]!.getByLabel("Note")).toBeVisible();
    }
    const [firstDialog, secondDialog] = dialogs as [Locator, Locator];

    const firstNote = `first administrator ${RUN}`;
    await firstDialog.getByLabel("Note").fill(firstNote);
    await firstDialog.getByRole("button", { name: "Save changes" }).click();
    await expect(firstDialog).toBeHidden();
    await expect(mappingRow(first, READERS, VIEWER_ROLE.name)).toContainText(firstNote);

    await secondDialog.getByLabel("Note").fill(`second administrator ${RUN}`);
    await secondDialog.getByRole("button", { name: "Save changes" }).click();
    const alert = secondDialog.getByRole("alert");
    await expect(alert).toContainText("Changed by someone else.");
    await expect(alert).toContainText("changed by someone else since you loaded it");
    await expect(alert).toContainText(firstNote);
    await alert.getByRole("button", { name: "Reload the current state" }).click();
    await expect(secondDialog.getByLabel("Note")).toHaveValue(firstNote);
    await expect(alert).toBeHidden();
    await expect(mappingRow(second, READERS, VIEWER_ROLE.name)).toContainText(firstNote);
    await secondDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(secondDialog).toBeHidden();
  } finally {
    await secondContext.close();
  }
});

test("removing asks for confirmation, and the last manager mapping of globex cannot be removed", async ({
  page,
  context,
}) => {
  await openAs(context, page, "admin", `/tenants/${GLOBEX.slug}/mappings`);
  const readers = mappingRow(page, READERS, VIEWER_ROLE.name);
  await expect(readers).toHaveCount(1);
  const confirm = page.getByRole("dialog", { name: "Remove this access?" });

  // Cancel keeps the row.
  await page.getByRole("button", { name: `Remove ${VIEWER_ROLE.name} from ${READERS}` }).click();
  await expect(confirm).toContainText(READERS);
  await expect(confirm).toContainText(VIEWER_ROLE.name);
  await expect(readers).toHaveCount(1);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(readers).toHaveCount(1);

  // Confirming removes it, for good.
  await page.getByRole("button", { name: `Remove ${VIEWER_ROLE.name} from ${READERS}` }).click();
  await expect(readers).toHaveCount(1);
  await confirm.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(readers).toHaveCount(0);
  expect(await mappingsOf(page, READERS)).toEqual([]);

  // acme-sts-admins → Organisation administrator is globex's only mapping granting STS_IAM_ROLE_EDIT.
  const managers = mappingRow(page, MANAGERS, ORG_ADMIN);
  await page.getByRole("button", { name: `Remove ${ORG_ADMIN} from ${MANAGERS}` }).click();
  await confirm.getByRole("button", { name: "Remove", exact: true }).click();
  const alert = confirm.getByRole("alert");
  await expect(alert).toContainText("Not removed.");
  await expect(alert).toContainText(`would leave organisation "${GLOBEX.slug}" without a manager`);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(managers).toHaveCount(1);
  expect(await mappingsOf(page, MANAGERS)).toEqual([`${MANAGERS} → organisation-admin`]);
});

test("New access can be completed with the keyboard alone", async ({ page, context }) => {
  await openAs(context, page, "admin", `/tenants/${GLOBEX.slug}/mappings`);
  const opener = page.getByRole("button", { name: "New access" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New access" });
  await expect(dialog).toBeVisible();

  const subject = dialog.getByRole("combobox", { name: "IAM role name" });
  await expect(subject).toBeFocused();
  await page.keyboard.type(KEYBOARD_SUBJECT);
  await expect(subject).toHaveValue(KEYBOARD_SUBJECT);
  await expect(
    dialog.getByRole("listitem").filter({ hasText: `"${KEYBOARD_SUBJECT}" has never been seen` }),
  ).toBeVisible();

  const role = checkboxStartingWith(dialog, VIEWER_ROLE.name);
  await tabTo(page, role);
  await page.keyboard.press("Space");
  await expect(role).toBeChecked();
  await expect(dialog.getByText("(1 selected)")).toBeVisible();

  const note = dialog.getByLabel("Note");
  await tabTo(page, note);
  await page.keyboard.type("added with the keyboard");
  await page.keyboard.press("Enter"); // implicit submission from the text field
  await expect(dialog).toBeHidden();
  const row = mappingRow(page, KEYBOARD_SUBJECT, VIEWER_ROLE.name);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("added with the keyboard");
  // Focus went back to the control that opened the dialog.
  await expect(opener).toBeFocused();
});

type HttpFixtures = Pick<PlaywrightWorkerArgs, "playwright" | "browser"> & { baseURL: string | undefined };

test.describe("console API guards at the HTTP level", () => {
  /** Request contexts without a browser: one with no cookies, one carrying the admin's session. */
  async function clients({ playwright, browser, baseURL }: HttpFixtures) {
    const cookies = await sessionOf(browser, baseURL, "admin");
    const anonymous = await playwright.request.newContext({ baseURL });
    const admin = await playwright.request.newContext({ baseURL, storageState: { cookies, origins: [] } });
    return { anonymous, admin, origin: new URL(baseURL!).origin };
  }

  async function slugsOf(request: APIRequestContext): Promise<string[]> {
    const response = await request.get("/api/console/tenants");
    expect(response.status()).toBe(200);
    return ((await response.json()) as { tenants: { slug: string }[] }).tenants.map((t) => t.slug);
  }

  test("no session: 401 JSON; a foreign Origin: 403 and nothing created", async ({
    playwright,
    browser,
    baseURL,
  }) => {
    const { anonymous, admin } = await clients({ playwright, browser, baseURL });
    try {
      const unauthenticated = await anonymous.get("/api/console/tenants");
      expect(unauthenticated.status()).toBe(401);
      expect(unauthenticated.headers()["content-type"]).toContain("application/json");
      expect(await unauthenticated.json()).toMatchObject({ error: "unauthenticated" });

      const slug = `evil-${RUN}`;
      const crossSite = await admin.post("/api/console/tenants", {
        headers: { origin: "https://evil.example" },
        data: { slug, name: "Evil" },
      });
      expect(crossSite.status()).toBe(403);
      expect(await crossSite.json()).toMatchObject({
        error: "forbidden",
        message: expect.stringContaining("Cross-site request refused") as unknown,
      });
      expect(await slugsOf(admin)).not.toContain(slug);
    } finally {
      await anonymous.dispose();
      await admin.dispose();
    }
  });

  test("with the admin's session: malformed JSON 400, text/plain 415, 10 MB 413", async ({
    playwright,
    browser,
    baseURL,
  }) => {
    const { anonymous, admin, origin } = await clients({ playwright, browser, baseURL });
    try {
      const before = await slugsOf(admin);

      const malformed = await admin.post("/api/console/tenants", {
        headers: { origin, "content-type": "application/json" },
        // A Buffer is sent as is (a string would be JSON-encoded by Playwright).
        data: Buffer.from('{"slug": "broken", "name": '),
      });
      expect(malformed.status()).toBe(400);
      expect(await malformed.json()).toMatchObject({
        error: "validation_failed",
        message: expect.stringContaining("not valid JSON") as unknown,
      });

      const plainText = await admin.post("/api/console/tenants", {
        headers: { origin, "content-type": "text/plain" },
        data: Buffer.from(JSON.stringify({ slug: `plain-${RUN}`, name: "Plain" })),
      });
      expect(plainText.status()).toBe(415);
      expect(await plainText.json()).toMatchObject({
        error: "unsupported_media_type",
        message: expect.stringContaining("application/json") as unknown,
      });

      // 10 MB of syntactically valid JSON: refused for its size, not its content.
      const huge = Buffer.alloc(10 * 1024 * 1024, "a");
      huge.write('{"slug":"huge","name":"');
      huge.write('"}', huge.length - 2);
      const tooLarge = await admin.post("/api/console/tenants", {
        headers: { origin, "content-type": "application/json" },
        data: huge,
      });
      expect(tooLarge.status()).toBe(413);
      expect(await tooLarge.json()).toMatchObject({ error: "payload_too_large" });

      // The same without a Content-Length (chunked): the cap applies while reading.
      const cookieHeader = (await admin.storageState()).cookies
        .map((cookie) => `${cookie.name}=${cookie.value}`)
        .join("; ");
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      let sent = 0;
      const streamed = await fetch(`${origin}/api/console/tenants`, {
        method: "POST",
        headers: { origin, "content-type": "application/json", cookie: cookieHeader },
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 10 * 1024 * 1024) controller.close();
            else {
              sent += chunk.byteLength;
              controller.enqueue(chunk);
            }
          },
        }),
        duplex: "half",
        signal: AbortSignal.timeout(15_000),
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toMatchObject({ error: "payload_too_large" });

      expect((await slugsOf(admin)).sort()).toEqual(before.sort());
    } finally {
      await anonymous.dispose();
      await admin.dispose();
    }
  });
});
