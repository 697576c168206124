/**
 * `npm run demo`: the whole product with no outside services. Builds the app when the build is missing
 * or older than the sources, then starts it with STS_DEMO=1 (embedded Postgres when DATABASE_URL is
 * unset, the development IdP, demo data) and prints the URL and the demo sign-ins.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { demoUsers } from "../src/server/dev-idp/demo-users";
import { serve } from "./serve";

const SOURCE_DIRS = ["app", "src", "proxy.ts", "next.config.js", "package.json", "prisma/schema.prisma"];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = path.join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCE_DIRS.every((entry) => newestMtime(entry) <= built);
}

const dev = process.env.STS_DEV === "1";
process.env.STS_DEMO = "1";

if (!dev && !buildIsCurrent()) {
  console.info("[sts] building the console (first run, or sources changed)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

void serve({
  dev,
  onReady: (server) => {
    const width = Math.max(...demoUsers.map((user) => user.login.length));
    const lines = [
      "",
      `  STS Console (demo) → ${server.url}`,
      `  Development IdP    → ${server.idpIssuer ?? "(external: OIDC_ISSUER)"}`,
      "",
      "  Demo sign-ins (password: demo):",
      ...demoUsers.map((user) => `    ${user.login.padEnd(width)}  ${user.purpose}`),
      "",
      "  Data is kept under .data/ (delete it to start over). Ctrl+C stops everything.",
      "",
    ];
    console.info(lines.join("\n"));
  },
});
