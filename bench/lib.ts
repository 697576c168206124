/** Shared pieces of the benchmarks: a scratch database, timing statistics, child servers, load. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createDatabase, dropDatabase, serverAnswers, uniqueDatabaseName } from "../src/server/db/admin";
import { freeLocalPort } from "../src/server/db/free-port";
import { startEmbeddedPostgres } from "../src/server/db/embedded-postgres";
import { migrateDatabase } from "../src/server/db/migrate";

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

export interface ScratchDatabase {
  url: string;
  close(): Promise<void>;
}

/** A fresh, migrated database: on BENCH_DATABASE_URL's server, the local one, or an embedded one. */
export async function scratchDatabase(): Promise<ScratchDatabase> {
  const server =
    process.env.BENCH_DATABASE_URL ?? ((await serverAnswers(LOCAL_SERVER, 2_000)) ? LOCAL_SERVER : undefined);
  if (server) {
    const name = uniqueDatabaseName("sts_bench");
    const url = await createDatabase(server, name);
    await migrateDatabase(url);
    return { url, close: () => dropDatabase(server, name) };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "sts-bench-"));
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  await migrateDatabase(embedded.connectionString);
  return {
    url: embedded.connectionString,
    close: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LatencyStats {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  unit: "µs" | "ms";
}

/** Runs `work` sequentially `count` times after a warm-up and reports latency percentiles. */
export async function timeSequential(
  count: number,
  work: () => unknown,
  unit: "µs" | "ms",
): Promise<LatencyStats> {
  // Long enough a warm-up for the optimising compiler to have finished with `work`.
  for (let index = 0; index < Math.min(5_000, count); index += 1) await work();
  const samples = new Float64Array(count);
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const before = process.hrtime.bigint();
    await work();
    samples[index] = Number(process.hrtime.bigint() - before) / (unit === "µs" ? 1e3 : 1e6);
  }
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort();
  const at = (quantile: number) => samples[Math.min(count - 1, Math.floor(quantile * count))] ?? 0;
  return { count, perSecond: count / elapsedSeconds, p50: at(0.5), p99: at(0.99), unit };
}

/**
 * Latencies of one SQL statement run `transactions` times by pgbench (libpq, prepared, one
 * connection), or undefined when pgbench is not installed. The file holds the statement verbatim.
 */
export function pgbenchLatency(
  url: string,
  statement: string,
  transactions: number,
): LatencyStats | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sts-pgbench-"));
  try {
    const script = path.join(dir, "statement.sql");
    writeFileSync(script, `${statement.replace(/\s+/g, " ").trim()};\n`);
    const run = spawnSync(
      "pgbench",
      [
        "-n",
        "-M",
        "prepared",
        "-c",
        "1",
        "-t",
        String(transactions),
        "-f",
        script,
        "-l",
        "--log-prefix",
        path.join(dir, "log"),
        url,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    if (run.error) return undefined;
    if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
    const log = readdirSync(dir).find((name) => name.startsWith("log"));
    if (!log) throw new Error("pgbench wrote no latency log");
    // Each line: client id, transaction number, latency in µs, script number, epoch s, epoch µs.
    const samples = readFileSync(path.join(dir, log), "utf8")
      .trim()
      .split("\n")
      .map((line) => Number(line.split(" ")[2]) / 1000)
      .sort((a, b) => a - b);
    const seconds = samples.reduce((sum, value) => sum + value, 0) / 1000;
    const at = (quantile: number) =>
      samples[Math.min(samples.length - 1, Math.floor(quantile * samples.length))] ?? 0;
    return {
      count: samples.length,
      perSecond: samples.length / seconds,
      p50: at(0.5),
      p99: at(0.99),
      unit: "ms",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoadResult {
  generator: "wrk" | "autocannon";
  requests: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
  errors: number;
  /** CPU time (user + system) of the server's process tree per request, when `serverPid` was given. */
  serverCpuUs?: number;
}

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  /** Bodies sent in turn, one per request (for requests that must differ, e.g. distinct tokens). */
  bodies?: string[];
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
  /** The server's process id: its CPU time and its descendants' is read from /proc around the run. */
  serverPid?: number;
}

function hasWrk(): boolean {
  if (process.env.BENCH_LOAD === "autocannon") return false;
  const found = spawnSync("wrk", ["--version"], { stdio: "ignore" });
  if (found.error && process.env.BENCH_LOAD === "wrk")
    throw new Error("BENCH_LOAD=wrk but wrk is not installed");
  return !found.error;
}

let generator: "wrk" | "autocannon" | undefined;

/**
 * The load generator: wrk (C, one thread) when installed (`apt-get install wrk`), else autocannon in
 * this process. Both share the machine with the server; wrk takes far less of it, so it is preferred.
 * BENCH_LOAD=autocannon|wrk forces one.
 */
export function loadGenerator(): "wrk" | "autocannon" {
  generator ??= hasWrk() ? "wrk" : "autocannon";
  return generator;
}

/** CPU ticks (user + system) of `pid` and every process descended from it, from /proc. */
function processTreeTicks(pid: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const id = Number(entry);
    if (!Number.isInteger(id)) continue;
    try {
      const stat = readFileSync(`/proc/${id}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(id, Number(fields[1]));
      ticks.set(id, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const [id, own] of ticks) {
    for (let current: number | undefined = id, hops = 0; current && hops < 20; hops += 1) {
      if (current === pid) {
        total += own;
        break;
      }
      current = parents.get(current);
    }
  }
  return total;
}

const TICKS_PER_SECOND = 100;

export async function load(options: LoadOptions): Promise<LoadResult> {
  const before = options.serverPid ? processTreeTicks(options.serverPid) : 0;
  const result = loadGenerator() === "wrk" ? await loadWithWrk(options) : await loadWithAutocannon(options);
  if (options.serverPid) {
    const ticks = processTreeTicks(options.serverPid) - before;
    result.serverCpuUs = result.requests > 0 ? (ticks / TICKS_PER_SECOND / result.requests) * 1e6 : 0;
  }
  return result;
}

async function loadWithAutocannon(options: LoadOptions): Promise<LoadResult> {
  const bodies = options.bodies;
  let next = 0;
  const result = await autocannon({
    url: options.url,
    method: options.method ?? "GET",
    body: options.body,
    headers: options.headers,
    connections: options.connections ?? 32,
    duration: options.seconds ?? 10,
    ...(bodies
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                next = (next + 1) % bodies.length;
                return { ...request, body: bodies[next] ?? "" };
              },
            },
          ],
        }
      : {}),
  });
  return {
    generator: "autocannon",
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function luaString(text: string): string {
  return `"${text.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n")}"`;
}

function wrkDuration(value: string, unit: string): number {
  const factor = unit === "us" ? 1e-3 : unit === "ms" ? 1 : unit === "s" ? 1e3 : unit === "m" ? 6e4 : NaN;
  return Number(value) * factor;
}

async function loadWithWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sts-wrk-"));
  try {
    const lines = [`wrk.method = ${luaString(options.method ?? "GET")}`];
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
    }
    if (options.bodies) {
      // One body per line of a file, sent in turn.
      const bodiesFile = path.join(dir, "bodies.txt");
      writeFileSync(bodiesFile, options.bodies.map((body) => body.replace(/\n/g, " ")).join("\n") + "\n");
      lines.push(
        "local bodies = {}",
        `for line in io.lines(${luaString(bodiesFile)}) do bodies[#bodies + 1] = line end`,
        "local at = 0",
        "request = function()",
        "  at = at % #bodies + 1",
        "  return wrk.format(nil, nil, nil, bodies[at])",
        "end",
      );
    } else if (options.body !== undefined) {
      lines.push(`wrk.body = ${luaString(options.body)}`);
    }
    const script = path.join(dir, "load.lua");
    writeFileSync(script, lines.join("\n") + "\n");
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        "wrk",
        [
          "-t1",
          `-c${options.connections ?? 32}`,
          `-d${options.seconds ?? 10}s`,
          "--latency",
          "-s",
          script,
          options.url,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`)),
      );
    });
    const latency = (quantile: string) => {
      const match = new RegExp(`^\\s*${quantile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(output);
      return match ? wrkDuration(match[1]!, match[2]!) : NaN;
    };
    const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? "0");
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
    return {
      generator: "wrk",
      requests,
      requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? "0"),
      p50ms: latency("50"),
      p99ms: latency("99"),
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? "0"),
      errors: socketErrors ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a child process in its own process group and waits until `readyUrl` answers 200. */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 90_000,
): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the whole group is gone already
    }
  };
  const stop = async () => {
    if (child.pid === undefined) return;
    if (running()) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      signalGroup("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
    // Whatever of the group is left (a process that ignored SIGTERM, an orphaned worker) goes too.
    signalGroup("SIGKILL");
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${command} exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return { child, stop };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${readyUrl} did not answer within ${timeoutMs} ms`);
}

export function requireProductionBuild(): void {
  if (!existsSync(path.join(".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first (npm run bench does).");
  }
}

export function formatLatency(stats: LatencyStats): string {
  return `${Math.round(stats.perSecond).toLocaleString("en")}/s  p50 ${stats.p50.toFixed(stats.unit === "µs" ? 1 : 3)} ${stats.unit}  p99 ${stats.p99.toFixed(stats.unit === "µs" ? 1 : 3)} ${stats.unit}`;
}

export function formatLoad(result: LoadResult): string {
  const cpu =
    result.serverCpuUs === undefined ? "" : `  server CPU ${Math.round(result.serverCpuUs)} µs/request`;
  return `${Math.round(result.requestsPerSecond).toLocaleString("en")} req/s  p50 ${result.p50ms.toFixed(2)} ms  p99 ${result.p99ms.toFixed(2)} ms${cpu}  (non-2xx ${result.non2xx}, errors ${result.errors})`;
}

/**
 * The process counts every HTTP figure is measured with (one, and one per core when there are more),
 * after printing the load settings they share.
 */
export function processCountsForLoad(): number[] {
  console.info(
    `  load generator: ${loadGenerator()}, 32 connections, 10 s after a 3 s warm-up; server CPU from /proc`,
  );
  const cores = os.availableParallelism();
  return cores > 1 ? [1, cores] : [1];
}

/**
 * A reference server of the benchmarks (bench/<script>: the floor, the peer) with `workers`
 * processes on a free port, once `readyPath` answers; `url` is its origin.
 */
export async function startBenchServer(
  script: string,
  workers: number,
  readyPath: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freeLocalPort({ avoid: [5432] });
  const url = `http://127.0.0.1:${port}`;
  const server = await startChild(
    process.execPath,
    ["--import", "tsx", `bench/${script}`],
    { PORT: String(port), WORKERS: String(workers), ...env },
    `${url}${readyPath}`,
  );
  return { url, ...server };
}

/**
 * The production server (`scripts/serve.ts`, demo mode) on a free port against `databaseUrl`, ready
 * when /api/health answers. `env` adds or overrides variables (workers, IAM issuer…).
 */
export async function startAppServer(options: {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
}): Promise<{ port: number; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freeLocalPort({ avoid: [5432] });
  const app = await startChild(
    process.execPath,
    [...appNodeArgs(), "--import", "tsx", "scripts/serve.ts"],
    {
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      STS_DEMO: "1",
      STS_DATA_DIR: options.dataDir,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
    `http://localhost:${port}/api/health`,
  );
  return { port, ...app };
}

/** BENCH_PROFILE_DIR=<dir> writes a CPU profile of the app server under load (open it in Chrome DevTools). */
export function appNodeArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  const extra = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return [...extra, ...(dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [])];
}
