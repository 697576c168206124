// Asks the OS for an unused TCP port on the loopback interface.
import { createServer } from "node:net";

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("The OS returned no port"))));
    });
  });
}

/**
 * Port 0 lets the kernel pick; it can in principle hand out a well-known port that merely happens to
 * be free right now (such as 5432 while the system Postgres is stopped), so those are refused.
 */
export async function freeLocalPort(options: { host?: string; avoid?: number[] } = {}): Promise<number> {
  const host = options.host ?? "127.0.0.1";
  const avoid = new Set(options.avoid ?? []);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await ephemeralPort(host);
    if (!avoid.has(port)) return port;
  }
  throw new Error(`Could not find a free port on ${host} outside ${[...avoid].join(", ")}`);
}
