/** Shared pieces of the benchmarks: a scratch database, timing statistics, child servers, load. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createDatabase, dropDatabase, serverAnswers, uniqueDatabaseName } from "../src/server/db/admin";
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
  for (let index = 0; index < Math.min(200, count); index += 1) await work();
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

export interface LoadResult {
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
  errors: number;
}

export async function load(options: {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? "GET",
    body: options.body,
    headers: options.headers,
    connections: options.connections ?? 32,
    duration: options.seconds ?? 10,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
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
  return `${Math.round(result.requestsPerSecond).toLocaleString("en")} req/s  p50 ${result.p50ms} ms  p99 ${result.p99ms} ms  (non-2xx ${result.non2xx}, errors ${result.errors})`;
}

/** BENCH_PROFILE_DIR=<dir> writes a CPU profile of the app server under load (open it in Chrome DevTools). */
export function appNodeArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}
