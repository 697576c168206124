/**
 * Starts the whole product: database (embedded Postgres when DATABASE_URL is unset), migrations, the
 * development IdP (STS_DEMO=1 only) and one HTTP server with graceful shutdown. That server answers
 * the hot machine endpoints (resolve, snapshot, token exchange, JWKS) itself and hands everything else
 * to the Next.js console, which runs in a child process of its own (web-process.ts) so that the
 * machine path carries none of Next.js's per-request machinery. In development (`npm run dev`) and
 * with STS_SINGLE_PROCESS=1, Next.js runs in this process instead. `npm start`, `npm run demo` and
 * the end-to-end tests all come through here.
 */
import os from "node:os";
import path from "node:path";
import nextEnv from "@next/env";
import { z } from "zod";
import { ConfigError, parseConfig, type AppConfig } from "../config";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";
import type { DevIdp } from "../dev-idp/start-dev-idp";
import { closeMachineRuntime } from "../machine-api/machine-runtime";
import { flushSecurityAudit } from "../audit/security-audit-queue";
import { loadOrCreateDemoSecrets } from "./demo-secrets";
import { closeFront, createFrontServer, listenFront, type HandOver } from "./front-server";
import { startMachineWorkers, WORKER_FORWARD_SECRET, WORKER_WEB_PORT } from "./machine-workers";
import { freeLocalPort } from "../db/free-port";
import { prepareData } from "./prepare-data";
import { startWebProcess } from "./web-front";

export interface RunningServer {
  url: string;
  config: AppConfig;
  idpIssuer: string | undefined;
  stop: () => Promise<void>;
}

const launcherSchema = z.object({
  STS_DEMO: z.enum(["1", "0", "true", "false", ""]).default("0"),
  STS_DATA_DIR: z.string().min(1).default(".data"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  STS_DEMO_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  STS_DEMO_IDP_ROLE_PATH: z.string().min(1).optional(),
  STS_DEMO_IDP_GROUPS_PATH: z.string().min(1).optional(),
  STS_SINGLE_PROCESS: z.enum(["1", "0", "true", "false"]).default("0"),
  STS_MACHINE_WORKERS: z
    .union([z.literal("auto"), z.coerce.number().int().min(1).max(64)], {
      error: 'must be "auto" or a whole number from 1 to 64',
    })
    .default(1),
});

export const DEMO_OIDC_CLIENT_ID = "sts-console";
export const DEMO_API_RESOURCE = "api://sts";

export async function startServer(options: {
  dev: boolean;
  log: (message: string) => void;
}): Promise<RunningServer> {
  const { log } = options;
  // .env files are read here, before anything parses the environment (Next.js would read them later).
  nextEnv.loadEnvConfig(process.cwd(), options.dev, { info: () => undefined, error: log });
  const launcher = launcherSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")),
  );
  if (!launcher.success) {
    throw new ConfigError(launcher.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const demo = launcher.data.STS_DEMO === "1" || launcher.data.STS_DEMO === "true";
  const dataDir = path.resolve(launcher.data.STS_DATA_DIR);
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => log(`shutdown step failed: ${String(error)}`));
    }
  };

  try {
    if (launcher.data.PORT === 0) process.env.PORT = String(await freeLocalPort({ avoid: [5432] }));
    let idp: DevIdp | undefined;
    if (demo) {
      const secrets = await loadOrCreateDemoSecrets(dataDir);
      process.env.NEXTAUTH_SECRET ||= secrets.nextAuthSecret;
      process.env.STS_KEY_ENCRYPTION_KEY ||= secrets.keyEncryptionKey;
      if (!process.env.OIDC_ISSUER) {
        const provisional = parseConfig({
          ...process.env,
          OIDC_ISSUER: "http://localhost",
          OIDC_CLIENT_ID: "x",
          OIDC_CLIENT_SECRET: "x",
        });
        const idpPort = launcher.data.STS_DEMO_IDP_PORT || (await freeLocalPort({ avoid: [5432] }));
        // Loaded for the demo only: the IdP library has no business in a server signing in elsewhere.
        const { startDevIdp } = await import("../dev-idp/start-dev-idp");
        idp = await startDevIdp({
          port: idpPort,
          cookieKeys: secrets.idpCookieKeys,
          signingJwks: secrets.idpJwks,
          clientId: DEMO_OIDC_CLIENT_ID,
          clientSecret: secrets.oidcClientSecret,
          redirectUris: [`${provisional.STS_PUBLIC_URL}/api/auth/callback/oidc`],
          postLogoutRedirectUris: [`${provisional.STS_PUBLIC_URL}/signed-out`],
          roleClaimPath: launcher.data.STS_DEMO_IDP_ROLE_PATH ?? provisional.STS_ROLE_PATH,
          groupsClaimPath: launcher.data.STS_DEMO_IDP_GROUPS_PATH ?? provisional.STS_GROUPS_PATH,
          apiResource: DEMO_API_RESOURCE,
          log,
        });
        cleanups.push(idp.stop);
        process.env.OIDC_ISSUER = idp.issuer;
        process.env.OIDC_CLIENT_ID = DEMO_OIDC_CLIENT_ID;
        process.env.OIDC_CLIENT_SECRET = secrets.oidcClientSecret;
        process.env.OIDC_DISPLAY_NAME ||= "the development IdP";
        process.env.STS_IAM_AUDIENCE ||= DEMO_API_RESOURCE;
      }
    }

    if (!process.env.DATABASE_URL) {
      log(`DATABASE_URL is not set: starting the embedded PostgreSQL under ${path.join(dataDir, "pg")}`);
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), log });
      cleanups.push(embedded.stop);
      process.env.DATABASE_URL = embedded.connectionString;
    }

    const config = parseConfig();
    process.env.NEXTAUTH_URL = config.STS_PUBLIC_URL;
    const databaseUrl = config.DATABASE_URL ?? "";
    const migration = await migrateDatabase(databaseUrl, { log });
    if (migration.applied.length > 0) log(`applied migrations: ${migration.applied.join(", ")}`);
    await prepareData(databaseUrl, { demo, log, config });

    const singleProcess =
      options.dev || launcher.data.STS_SINGLE_PROCESS === "1" || launcher.data.STS_SINGLE_PROCESS === "true";
    const workers =
      launcher.data.STS_MACHINE_WORKERS === "auto"
        ? os.availableParallelism()
        : launcher.data.STS_MACHINE_WORKERS;
    if (workers > 1 && singleProcess)
      log("STS_MACHINE_WORKERS is ignored in a single process (and in development)");
    let handOver: HandOver;
    let webPort = 0;
    let webSecret = "";
    if (singleProcess) {
      const { default: next } = await import("next");
      const app = next({ dev: options.dev, dir: process.cwd(), hostname: config.HOST, port: config.PORT });
      await app.prepare();
      handOver = app.getRequestHandler();
      cleanups.push(() => app.close());
    } else {
      const web = await startWebProcess({
        // The console process listens elsewhere but must build the same public URLs.
        env: { STS_PUBLIC_URL: config.STS_PUBLIC_URL },
        log,
        onUnexpectedExit: (code) => {
          log(`the console process exited unexpectedly (code ${code}): shutting down`);
          void runCleanups().finally(() => process.exit(1));
        },
      });
      handOver = web.forward;
      webPort = web.port;
      webSecret = web.secret;
      cleanups.push(web.stop);
    }
    if (workers > 1 && !singleProcess) {
      // Several processes answer the machine endpoints on the shared port; each forwards the rest
      // to the one console process.
      const pool = await startMachineWorkers({
        count: workers,
        env: { [WORKER_WEB_PORT]: String(webPort), [WORKER_FORWARD_SECRET]: webSecret },
        log,
        onGiveUp: () => {
          log("machine workers keep failing: shutting down");
          void runCleanups().finally(() => process.exit(1));
        },
      });
      cleanups.push(pool.stop);
      log(`${workers} machine workers listening`);
    } else {
      const server = createFrontServer(config, handOver, log);
      await listenFront(server, config);
      cleanups.push(closeMachineRuntime);
      cleanups.push(flushSecurityAudit);
      cleanups.push(() => closeFront(server));
    }

    return { url: config.STS_PUBLIC_URL, config, idpIssuer: idp?.issuer, stop: runCleanups };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}
