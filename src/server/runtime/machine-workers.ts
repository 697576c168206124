/**
 * STS_MACHINE_WORKERS > 1: the front process forks that many machine workers with node:cluster. They
 * share the public port (the primary hands each new connection to the next worker), answer the
 * machine endpoints with their own tenant index cache (each LISTENs for changes, so all stay
 * current), and forward everything else to the one console process. A worker that dies is replaced.
 */
import cluster, { type Worker } from "node:cluster";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const WORKER_WEB_PORT = "STS_WORKER_WEB_PORT";
export const WORKER_FORWARD_SECRET = "STS_WORKER_FORWARD_SECRET";

const START_TIMEOUT_MS = 60_000;
/** More unexpected exits than this within a minute: something is wrong beyond one bad request. */
const MAX_RESTARTS_PER_MINUTE = 10;

export interface MachineWorkers {
  stop(): Promise<void>;
}

export async function startMachineWorkers(options: {
  count: number;
  env: Record<string, string>;
  log: (message: string) => void;
  onGiveUp: () => void;
  /** The worker's script and Node flags: machine-worker.ts with this process's flags (tsx) unless given. */
  exec?: string;
  execArgv?: string[];
}): Promise<MachineWorkers> {
  const { log } = options;
  cluster.setupPrimary({
    exec: options.exec ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "machine-worker.ts"),
    execArgv: options.execArgv ?? process.execArgv,
    silent: false,
  });
  let stopping = false;
  const restarts: number[] = [];
  const live = new Set<Worker>();

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(options.env);
      live.add(worker);
      const timer = setTimeout(() => {
        worker.process.kill("SIGKILL");
        reject(new Error(`a machine worker did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      worker.once("listening", () => {
        clearTimeout(timer);
        resolve(worker);
      });
      worker.once("exit", (code, signal) => {
        clearTimeout(timer);
        live.delete(worker);
        // After "listening" this rejection is ignored; supervise() handles later exits.
        reject(new Error(`a machine worker exited (code ${code}, signal ${signal}) while starting`));
      });
    });

  const supervise = (worker: Worker) => {
    worker.once("exit", (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && now - restarts[0]! > 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        options.onGiveUp();
        return;
      }
      log(`machine worker ${worker.process.pid} exited (code ${code}, signal ${signal}): starting another`);
      fork().then(supervise, (error: unknown) => {
        log(error instanceof Error ? error.message : String(error));
        options.onGiveUp();
      });
    });
  };

  try {
    const started = await Promise.all(Array.from({ length: options.count }, () => fork()));
    started.forEach(supervise);
  } catch (error) {
    stopping = true;
    for (const worker of live) worker.process.kill("SIGKILL");
    throw error;
  }

  return {
    async stop() {
      stopping = true;
      // Each worker finishes its in-flight requests and writes its pending activity, then exits.
      await Promise.all(
        [...live].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.process.exitCode !== null || worker.process.signalCode !== null) {
                resolve();
                return;
              }
              const timer = setTimeout(() => worker.process.kill("SIGKILL"), 20_000);
              worker.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              worker.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
