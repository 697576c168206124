// The `test` every spec uses: Playwright's, with baseURL pointing at the console the global setup
// started (read from the state it left, so it does not depend on when playwright.config.ts was
// evaluated), and the development IdP's origin as a fixture.
import { test as base } from "@playwright/test";
import { requireServerState } from "./helpers/server-state";

export { expect } from "@playwright/test";

export const test = base.extend<{ idpOrigin: string }>({
  // Replaces the config's `use.baseURL`, which is only right when the config was evaluated after the setup.
  baseURL: async ({ baseURL: _fromConfig }, provide) => {
    await provide(requireServerState().baseURL);
  },
  // Playwright reads the fixtures a fixture needs from its first parameter, which must be a pattern.
  // eslint-disable-next-line no-empty-pattern
  idpOrigin: async ({}, provide) => {
    await provide(new URL(requireServerState().idpIssuer).origin);
  },
});
