/**
 * One machine worker (see machine-workers.ts): the public server's handler in a process of its own,
 * forwarding console requests to the console process the front process started.
 */
import { z } from "zod";
import { flushSecurityAudit } from "../audit/security-audit-queue";
import { parseConfig } from "../config";
import { closeMachineRuntime, getMachineRuntime } from "../machine-api/machine-runtime";
import { closeFront, createFrontServer, listenFront } from "./front-server";
import { WORKER_FORWARD_SECRET, WORKER_WEB_PORT } from "./machine-workers";
import { createForwarder } from "./web-front";

const envSchema = z.object({
  [WORKER_WEB_PORT]: z.coerce.number().int().min(1).max(65535),
  [WORKER_FORWARD_SECRET]: z.string().min(32),
});

async function main(): Promise<void> {
  const log = (message: string) => console.info(`[sts worker ${process.pid}] ${message}`);
  const env = envSchema.parse(process.env);
  const config = parseConfig();
  const forwarder = createForwarder({
    port: env[WORKER_WEB_PORT],
    secret: env[WORKER_FORWARD_SECRET],
    log,
  });
  // Caches, LISTEN connection and key store ready before the first request arrives.
  await getMachineRuntime();
  const server = createFrontServer(config, forwarder.forward, log);
  await listenFront(server, config);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void closeFront(server)
      .then(() => closeMachineRuntime())
      .then(() => flushSecurityAudit())
      .catch((error: unknown) => log(`shutdown step failed: ${String(error)}`))
      .finally(() => {
        forwarder.close();
        process.exit(0);
      });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // The front process going away (even by SIGKILL) takes its workers with it.
  process.on("disconnect", stop);
}

main().catch((error: unknown) => {
  console.error(`[sts] a machine worker failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
