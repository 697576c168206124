// The supervisor of STS_MACHINE_WORKERS with a stand-in worker (tests/fixtures/stub-machine-worker.mjs):
// real processes, a real shared port, real crashes.
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freeLocalPort } from "@/server/db/free-port";
import { startMachineWorkers, type MachineWorkers } from "@/server/runtime/machine-workers";

const STUB = path.resolve("tests/fixtures/stub-machine-worker.mjs");

/** GET on a connection of its own, so node:cluster hands each request to the next worker. */
function get(port: number, pathname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: pathname, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
  });
}

async function pidsAnswering(port: number): Promise<Set<string>> {
  const answers = await Promise.all(Array.from({ length: 8 }, () => get(port, "/pid")));
  return new Set(answers);
}

let running: MachineWorkers | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("machine workers", () => {
  it("start N workers on one port, replace one that dies, and stop them all", async () => {
    const port = await freeLocalPort({ avoid: [5432] });
    const logs: string[] = [];
    let gaveUp = false;
    running = await startMachineWorkers({
      count: 2,
      env: { STUB_PORT: String(port) },
      log: (message) => logs.push(message),
      onGiveUp: () => (gaveUp = true),
      exec: STUB,
      execArgv: [],
    });
    const before = await pidsAnswering(port);
    expect(before.size).toBe(2);

    await get(port, "/crash");
    await expect.poll(() => logs.some((line) => /exited \(code 3.*starting another/.test(line))).toBe(true);
    await expect
      .poll(
        async () => {
          const now = await pidsAnswering(port);
          return now.size === 2 && [...now].some((pid) => !before.has(pid));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(gaveUp).toBe(false);

    await running.stop();
    running = undefined;
    await expect(get(port, "/pid")).rejects.toThrow();
  });

  it("gives up when workers keep dying (more than ten deaths in a minute)", async () => {
    const port = await freeLocalPort({ avoid: [5432] });
    let gaveUp = false;
    running = await startMachineWorkers({
      count: 1,
      env: { STUB_PORT: String(port) },
      log: () => undefined,
      onGiveUp: () => (gaveUp = true),
      exec: STUB,
      execArgv: [],
    });
    for (let death = 0; death < 11 && !gaveUp; death += 1) {
      // Each replacement needs a moment to listen before it can be asked to crash.
      await expect
        .poll(
          () =>
            get(port, "/pid").then(
              () => true,
              () => false,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);
      await get(port, "/crash");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expect.poll(() => gaveUp, { timeout: 10_000 }).toBe(true);
  });
});
