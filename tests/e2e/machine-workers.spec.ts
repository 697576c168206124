// The e2e server runs with STS_MACHINE_WORKERS=2 (global-setup.ts): two processes answer the machine
// endpoints on the shared port, each with its own tenant index cache, and forward console requests
// to the one console process. Every request below opens a new connection, so node:cluster's
// round-robin hands them to both workers in turn: a worker with a stale cache would show up.
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers/sign-in";
import { requireServerState } from "./helpers/server-state";

const CLIENT_ID = "e2e-workers-reader";
const GROUP = "e2e-workers-new-group";

interface Answer {
  status: number;
  body: string;
}

/** A POST on a connection of its own (no keep-alive agent). */
function postOnNewConnection(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: false,
        headers: { ...headers, "content-type": "application/json", connection: "close" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** Process ids of the machine workers started under the e2e server's process. */
function workerPids(rootPid: number): number[] {
  const parentOf = (pid: number): number | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return undefined;
    }
  };
  const descends = (pid: number): boolean => {
    for (let current: number | undefined = pid, hops = 0; current && hops < 10; hops += 1) {
      if (current === rootPid) return true;
      current = parentOf(current);
    }
    return false;
  };
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    let commandLine = "";
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (commandLine.includes("machine-worker.ts") && descends(pid)) pids.push(pid);
  }
  return pids;
}

test("two machine workers answer on one port and both see a mapping change at once", async ({
  page,
  baseURL,
}) => {
  const state = requireServerState();
  expect(readFileSync(state.logFile, "utf8")).toContain("2 machine workers listening");
  expect(workerPids(state.pid)).toHaveLength(2);

  // Console pages and APIs reach the console process through either worker.
  await signInAs(page, "admin", "/clients");
  const origin = { origin: new URL(baseURL!).origin };
  const registered = await page.request.post("/api/console/clients", {
    headers: origin,
    data: { clientId: CLIENT_ID, name: "E2E workers reader", tenant: "acme" },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const { clientSecret } = (await registered.json()) as { clientSecret: string };
  const authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${clientSecret}`).toString("base64")}`;

  const resolveEverywhere = async (): Promise<string[][]> => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        postOnNewConnection(
          `${baseURL}/api/v1/resolve`,
          JSON.stringify({ tenant: "acme", groups: [GROUP], provenance: false }),
          { authorization },
        ),
      ),
    );
    return answers.map((answer) => {
      expect(answer.status, answer.body).toBe(200);
      return (JSON.parse(answer.body) as { roles: string[] }).roles;
    });
  };
  // Unmapped so far, on every worker.
  expect(await resolveEverywhere()).toEqual(Array.from({ length: 8 }, () => []));

  const roles = (await (await page.request.get("/api/console/tenants/acme/roles")).json()) as {
    roles: { id: string; key: string }[];
  };
  const auditor = roles.roles.find((role) => role.key === "read-only-auditor");
  expect(auditor).toBeDefined();
  const mapped = await page.request.post("/api/console/tenants/acme/mappings", {
    headers: origin,
    data: { subjectType: "GROUP", subject: GROUP, roleIds: [auditor!.id] },
  });
  expect(mapped.status(), await mapped.text()).toBe(201);

  // Each worker hears the change (LISTEN) and rebuilds its index: within moments, all agree.
  await expect
    .poll(async () => (await resolveEverywhere()).map((list) => list.join(",")), { timeout: 5_000 })
    .toEqual(Array.from({ length: 8 }, () => "read-only-auditor"));
});
