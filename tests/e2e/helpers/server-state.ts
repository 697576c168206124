// What the global setup hands to the tests and to the global teardown: the running app's address
// and what must be cleaned up afterwards. Kept in process.env (inherited by the workers, which
// Playwright forks after the global setup) and, as a fallback, in a file under test-results/.
import { readFileSync } from "node:fs";
import path from "node:path";

export interface E2eServerState {
  baseURL: string;
  /** Process-group leader of the launcher (spawned detached). */
  pid: number;
  logFile: string;
  /** The development IdP's issuer (http://localhost:<port>), from the launcher's log. */
  idpIssuer?: string;
  dataDir: string;
  /** The server where this run's database was created; absent when the launcher's embedded Postgres is used. */
  databaseServerUrl?: string;
  databaseName?: string;
}

export const STATE_ENV = "STS_E2E_STATE";
export const BASE_URL_ENV = "STS_E2E_BASE_URL";
export const stateFile = path.resolve("test-results", "e2e-server.json");

export function readServerState(): E2eServerState | undefined {
  const fromEnv = process.env[STATE_ENV];
  if (fromEnv) return JSON.parse(fromEnv) as E2eServerState;
  try {
    return JSON.parse(readFileSync(stateFile, "utf8")) as E2eServerState;
  } catch {
    return undefined;
  }
}

/** The state the global setup left; throws when the tests run without it. */
export function requireServerState(): E2eServerState & { idpIssuer: string } {
  const state = readServerState();
  if (!state?.baseURL || !state.idpIssuer) {
    throw new Error(
      "No running console: tests/e2e/global-setup.ts did not run (start the suite with `npx playwright test`).",
    );
  }
  return { ...state, idpIssuer: state.idpIssuer };
}
