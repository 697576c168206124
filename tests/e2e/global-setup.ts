// Starts the product the way production does — `tsx scripts/serve.ts` on the production build — with
// STS_DEMO=1 (development IdP and demo users), a fresh data directory and a fresh database, and waits
// until /api/ready answers. tests/e2e/global-teardown.ts stops it and removes what was created.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  createDatabase,
  dropDatabase,
  listDatabases,
  serverAnswers,
  uniqueDatabaseName,
} from "../../src/server/db/admin";
import { freeLocalPort } from "../../src/server/db/free-port";
import { BASE_URL_ENV, STATE_ENV, stateFile, type E2eServerState } from "./helpers/server-state";

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
const READY_TIMEOUT_MS = 60_000;
/** Databases of runs that crashed before their teardown; old enough to be certainly abandoned. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Variables of the caller's shell that would point the launcher elsewhere (a real IdP, another
 * public URL or database); the run sets its own.
 */
const OVERRIDDEN = [
  "DATABASE_URL",
  "HOST",
  "STS_PUBLIC_URL",
  "NEXTAUTH_URL",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "STS_DEMO_IDP_PORT",
];

/** TEST_DATABASE_URL's server, else the local one if it answers within 2 s, else none (embedded). */
async function pickDatabaseServer(): Promise<string | undefined> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) return configured;
  if (process.env.TEST_EMBEDDED_POSTGRES === "1") return undefined;
  return (await serverAnswers(LOCAL_SERVER, 2_000)) ? LOCAL_SERVER : undefined;
}

async function dropAbandoned(serverUrl: string): Promise<void> {
  for (const name of await listDatabases(serverUrl, "sts_e2e_")) {
    const stamp = /^sts_e2e_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(name);
    if (!stamp) continue;
    const [, y, mo, d, h, mi, s] = stamp;
    if (Date.now() - Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`) > ABANDONED_AFTER_MS) {
      await dropDatabase(serverUrl, name).catch(() => undefined);
    }
  }
}

function logTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (response.status !== 200) return false;
    const body = (await response.json()) as { status?: string };
    return body.status === "ready";
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  const root = process.cwd();
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error(
      "No production build (.next/BUILD_ID is missing). Run `npx next build` first, or `npm run test:e2e`, which builds.",
    );
  }

  const unique = uniqueDatabaseName("sts_e2e");
  const dataDir = path.join(root, ".data", unique.replace(/^sts_e2e_/, "e2e-"));
  const logDir = path.join(root, "test-results");
  const logFile = path.join(logDir, "e2e-server.log");
  mkdirSync(logDir, { recursive: true });

  const databaseServerUrl = await pickDatabaseServer();
  const port = await freeLocalPort({ avoid: [5432] });
  const baseURL = `http://localhost:${port}`;
  const state: E2eServerState = {
    baseURL,
    pid: 0,
    logFile,
    dataDir,
    ...(databaseServerUrl ? { databaseServerUrl, databaseName: unique } : {}),
  };
  // Saved before anything is created: Playwright runs the global teardown even when this setup
  // fails, and the teardown removes whatever the state names.
  const saveState = () => {
    process.env[STATE_ENV] = JSON.stringify(state);
    writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n");
  };
  saveState();

  let databaseUrl: string | undefined;
  if (databaseServerUrl) {
    await dropAbandoned(databaseServerUrl).catch(() => undefined);
    databaseUrl = await createDatabase(databaseServerUrl, unique);
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OVERRIDDEN) delete env[name];
  Object.assign(env, {
    STS_DEMO: "1",
    PORT: String(port),
    STS_DATA_DIR: dataDir,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    // As a multi-core deployment runs: two processes answer the machine endpoints (machine-workers.spec.ts).
    STS_MACHINE_WORKERS: "2",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });

  const out = openSync(logFile, "w");
  // Its own process group: `next` leaves children behind, so teardown signals the whole group.
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/serve.ts"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  child.unref();
  let exit: string | undefined;
  child.once("exit", (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
  child.once("error", (error) => (exit = error.message));

  state.pid = child.pid ?? 0;
  saveState();

  const database = databaseServerUrl
    ? `database ${unique} on ${new URL(databaseServerUrl).host}`
    : "embedded Postgres";
  console.info(
    `[e2e] starting the console on ${baseURL} (${database}; log: ${path.relative(root, logFile)})`,
  );
  const started = Date.now();
  // The port is known up front, so poll 127.0.0.1 directly (no localhost IPv6 detour).
  const readyUrl = `http://127.0.0.1:${port}/api/ready`;
  while (!(await isReady(readyUrl))) {
    if (exit !== undefined || Date.now() - started > READY_TIMEOUT_MS) {
      const reason =
        exit !== undefined ? `exited (${exit})` : `was not ready within ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`The console ${reason}. Last lines of ${logFile}:\n${logTail(logFile)}`);
    }
    await sleep(250);
  }
  const issuer = /development IdP listening on (http:\/\/\S+)/.exec(readFileSync(logFile, "utf8"))?.[1];
  if (!issuer)
    throw new Error(`The console started without the development IdP (STS_DEMO=1). See ${logFile}`);
  state.idpIssuer = issuer;
  saveState();
  // The first request to each route loads its server code (~2 s on two cores); pay that once here
  // rather than inside the first tests' timeouts. Signed out, these answer with redirects.
  for (const route of ["/signin", "/", "/no-access", "/signed-out", "/settings"]) {
    await fetch(`http://127.0.0.1:${port}${route}`, {
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
  }
  process.env[BASE_URL_ENV] = baseURL;
  console.info(`[e2e] console ready after ${((Date.now() - started) / 1000).toFixed(1)} s (IdP ${issuer})`);
}
