/**
 * `npm start`: serves the production build (run `npm run build` first) against DATABASE_URL or the
 * embedded Postgres, with a real IdP from OIDC_* (or the dev IdP when STS_DEMO=1).
 */
import { ConfigError } from "../src/server/config";
import { startServer, type RunningServer } from "../src/server/runtime/start-server";

export async function serve(options: {
  dev: boolean;
  onReady?: (server: RunningServer) => void;
}): Promise<void> {
  (process.env as Record<string, string>).NODE_ENV = options.dev ? "development" : "production";
  const log = (message: string) => console.info(`[sts] ${message}`);
  let server: RunningServer;
  try {
    server = await startServer({ dev: options.dev, log });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[sts] ${error.message}\n[sts] See README.md → Configuration.`);
    } else {
      console.error("[sts] start-up failed:", error instanceof Error ? error.message : error);
    }
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing in-flight requests and shutting down`);
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  log(`STS Console ready on ${server.url}`);
  options.onReady?.(server);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void serve({ dev: false });
}
