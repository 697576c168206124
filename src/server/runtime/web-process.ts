/**
 * The Next.js console in a process of its own, started by start-server.ts on a loopback port. The
 * front process answers the hot machine endpoints itself and forwards everything else here, with the
 * client address it determined and a per-start secret proving the request came through it.
 */
import http from "node:http";
import next from "next";
import { z } from "zod";
import { CLIENT_IP_HEADER } from "../http/client-address";
import { FORWARD_SECRET_HEADER, forwardSecretMatches } from "./forward-secret";

const envSchema = z.object({
  STS_WEB_PORT: z.coerce.number().int().min(1).max(65535),
  STS_FORWARD_SECRET: z.string().min(32),
});

async function main(): Promise<void> {
  const env = envSchema.parse(process.env);
  const app = next({ dev: false, dir: process.cwd(), hostname: "127.0.0.1", port: env.STS_WEB_PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    if (!forwardSecretMatches(req.headers[FORWARD_SECRET_HEADER], env.STS_FORWARD_SECRET)) {
      // Only the front process may talk to this port: it alone decides the client address.
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("Forbidden");
      return;
    }
    delete req.headers[FORWARD_SECRET_HEADER];
    if (typeof req.headers[CLIENT_IP_HEADER] !== "string") req.headers[CLIENT_IP_HEADER] = "";
    handle(req, res).catch((error: unknown) => {
      console.error(`[sts] request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal_error" }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.STS_WEB_PORT, "127.0.0.1", () => resolve());
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      void app.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // The front process going away (even by SIGKILL) takes the console with it.
  process.on("disconnect", stop);
  process.send?.({ type: "ready" });
}

main().catch((error: unknown) => {
  console.error(
    `[sts] the console process failed to start: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
