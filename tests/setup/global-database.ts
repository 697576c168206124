// Runs once per `vitest run`, before any worker: finds a Postgres server, creates and migrates this
// run's database, and hands its URL to tests (see tests/helpers/database.ts). Teardown drops every
// database the run created, including per-file and scratch ones, which share the run's name prefix.
import path from "node:path";
import type { TestProject } from "vitest/node";
import {
  createDatabase,
  dropDatabase,
  listDatabases,
  serverAnswers,
  uniqueDatabaseName,
} from "../../src/server/db/admin";
import { startEmbeddedPostgres } from "../../src/server/db/embedded-postgres";
import { migrateDatabase } from "../../src/server/db/migrate";

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
/** Databases of runs that crashed before their teardown; old enough to be certainly abandoned. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

interface Server {
  url: string;
  stop: () => Promise<void>;
}

async function pickServer(): Promise<Server> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) return { url: configured, stop: async () => undefined };
  // TEST_EMBEDDED_POSTGRES=1 skips the local server, to exercise the path machines without one take.
  const forceEmbedded = process.env.TEST_EMBEDDED_POSTGRES === "1";
  if (!forceEmbedded && (await serverAnswers(LOCAL_SERVER, 2_000))) {
    return { url: LOCAL_SERVER, stop: async () => undefined };
  }
  console.info("Using embedded Postgres in .data/test-pg (no server on 127.0.0.1:5432, or forced)");
  const embedded = await startEmbeddedPostgres({
    dataDir: path.resolve(".data/test-pg"),
    database: "postgres",
  });
  return { url: embedded.connectionString, stop: embedded.stop };
}

/** sts_test_<yyyyMMddHHmmss>_… names carry their creation time. */
async function dropAbandoned(serverUrl: string): Promise<void> {
  for (const name of await listDatabases(serverUrl, "sts_test_")) {
    const stamp = /^sts_test_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(name);
    if (!stamp) continue;
    const [, y, mo, d, h, mi, s] = stamp;
    const created = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    if (Date.now() - created > ABANDONED_AFTER_MS) await dropDatabase(serverUrl, name).catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await pickServer();
  const serverUrl = server.url;
  const name = uniqueDatabaseName("sts_test");
  try {
    await dropAbandoned(serverUrl);
    const url = await createDatabase(serverUrl, name);
    await migrateDatabase(url);
    project.provide("testDatabaseUrl", url);
    project.provide("testServerUrl", serverUrl);
    project.provide("testDatabaseName", name);
  } catch (error) {
    await dropDatabase(serverUrl, name).catch(() => undefined);
    await server.stop();
    throw error;
  }

  return async () => {
    // Runs after every worker has exited; FORCE in dropDatabase ends any connection left open.
    for (const database of await listDatabases(serverUrl, name)) await dropDatabase(serverUrl, database);
    await server.stop();
  };
}
