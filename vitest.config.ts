// Unit and integration tests against real Postgres (see tests/setup/global-database.ts).
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${path.join(root, "src")}/` },
      // `server-only` throws outside React Server Components; under test the guard means nothing.
      { find: /^server-only$/, replacement: path.join(root, "node_modules/server-only/empty.js") },
    ],
  },
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: "tests/setup/global-database.ts",
    setupFiles: ["tests/setup/file-database.ts"],
    // Two cores: more workers than that only adds start-up cost. Files cannot interfere because
    // each integration file has a database of its own.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
