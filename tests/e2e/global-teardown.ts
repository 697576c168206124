// Stops the console started by global-setup.ts (its whole process group: the launcher, Next.js'
// children and an embedded Postgres), then drops the run's database and removes its data directory.
import { rmSync } from "node:fs";
import { dropDatabase } from "../../src/server/db/admin";
import { readServerState } from "./helpers/server-state";

const STOP_TIMEOUT_MS = 20_000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(pid: number): Promise<void> {
  if (pid <= 0 || !groupAlive(pid)) return;
  process.kill(-pid, "SIGTERM");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(pid)) {
    console.warn(`[e2e] the console did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`);
    process.kill(-pid, "SIGKILL");
    while (groupAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export default async function globalTeardown(): Promise<void> {
  const state = readServerState();
  if (!state) return;
  await stopGroup(state.pid);
  if (state.databaseServerUrl && state.databaseName) {
    await dropDatabase(state.databaseServerUrl, state.databaseName).catch((error: unknown) =>
      console.warn(`[e2e] could not drop database ${state.databaseName}: ${String(error)}`),
    );
  }
  rmSync(state.dataDir, { recursive: true, force: true });
}
