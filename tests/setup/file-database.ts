// Runs in the worker before each test file is imported. Integration files get a freshly migrated
// database of their own in DATABASE_URL (≈0.25 s to create), so files running in parallel never see
// each other's rows, and application modules that read DATABASE_URL at import time use it.
// Unit test files get no database. The global teardown drops these databases.
import { expect, inject } from "vitest";
import { createScratchDatabase } from "../helpers/database";

// A worker process may run several files in turn: never hand one file's database to the next.
if (process.env.DATABASE_URL?.includes(`/${inject("testDatabaseName")}_`)) delete process.env.DATABASE_URL;

const testPath = expect.getState().testPath ?? "";
if (/[\\/]tests[\\/]integration[\\/]/.test(testPath)) {
  const database = await createScratchDatabase({ migrated: true });
  process.env.DATABASE_URL = database.url;
}
