/**
 * The public HTTP server: the hot machine endpoints are answered here (machine-server.ts), everything
 * else is handed to the console. The same server runs in the front process, or in each machine
 * worker when STS_MACHINE_WORKERS asks for more than one (machine-workers.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AppConfig } from "../config";
import { CLIENT_IP_HEADER, clientAddress } from "../http/client-address";
import { machineRoute, serveMachineRequest } from "./machine-server";

export type HandOver = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createFrontServer(
  config: Pick<AppConfig, "STS_TRUST_PROXY">,
  handOver: HandOver,
  log: (message: string) => void,
): http.Server {
  const server = http.createServer((req, res) => {
    // The client address as the app should believe it (STS_TRUST_PROXY decides whether to read
    // X-Forwarded-For); a value sent by the client itself under this header name is discarded.
    req.headers[CLIENT_IP_HEADER] = clientAddress(
      req.socket.remoteAddress,
      req.headers["x-forwarded-for"],
      config.STS_TRUST_PROXY,
    );
    const machineHandler = machineRoute(req.method ?? "GET", (req.url ?? "/").split("?")[0] ?? "/");
    const served = machineHandler ? serveMachineRequest(req, res, machineHandler) : handOver(req, res);
    Promise.resolve(served).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal_error" }));
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

export function listenFront(server: http.Server, config: Pick<AppConfig, "PORT" | "HOST">): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST === "localhost" ? "127.0.0.1" : config.HOST, () => resolve());
  });
}

/** Stops accepting, lets in-flight requests finish (at most 10 s), then drops idle keep-alive sockets. */
export function closeFront(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, 10_000).unref();
  });
}
