// End-to-end tests: the production build, started by tests/e2e/global-setup.ts through the real
// launcher (scripts/serve.ts with STS_DEMO=1: development IdP, migrations, database), driven in
// Debian's Chromium. `npm run test:e2e` builds first.
import { defineConfig } from "@playwright/test";

/** As root (containers, CI) Chromium needs --no-sandbox; the rest keeps it quiet and offline. */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  globalSetup: "./tests/e2e/global-setup.ts",
  globalTeardown: "./tests/e2e/global-teardown.ts",
  // Two cores: one worker for the browser and one for the app server and its database.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // A whole flow (sign-in, several pages, saves): the longest take 20–30 s on two shared cores, so a
  // test gets 60 s; each single expectation still has 10 s.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    // Set by the global setup before workers start (workers evaluate this file again); the fixture in
    // tests/e2e/fixtures.ts also reads it from the state file, so specs never depend on this line.
    baseURL: process.env.STS_E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        headless: true,
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: process.env.STS_E2E_CHROMIUM ?? "/usr/bin/chromium",
          args: chromiumArgs,
        },
      },
    },
  ],
});
