// `npm run sts -- <command>`: config as code from the command line, against DATABASE_URL (.env files are
// read as by the server). Whoever holds the database URL holds every right, so the CLI acts as the
// console itself (audited as SYSTEM, actor "cli:<user>").
//
//   export [--tenant <slug>] [--format yaml|json]     print a config file
//   plan <file> [--tenant <slug>]                     show what applying the file would change
//   apply <file> [--tenant <slug>] [--yes]            plan, then apply in one transaction (Ctrl+C cancels)
//   schema                                            print the file format's JSON Schema
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import nextEnv from "@next/env";
import { z } from "zod";
import { applyConfig } from "../src/server/config-as-code/apply-config";
import { configJsonSchema } from "../src/server/config-as-code/config-document.types";
import { CONFIG_FILE_LIMIT_BYTES, parseConfigFile } from "../src/server/config-as-code/config-file";
import type { ConfigProgress } from "../src/server/config-as-code/config-plan.types";
import { describePlan } from "../src/server/config-as-code/describe-plan";
import { exportConfig } from "../src/server/config-as-code/export-config";
import { planConfig } from "../src/server/config-as-code/plan-config";
import { createPrismaClient } from "../src/server/db/client";
import { DomainError } from "../src/server/http/errors";
import { systemContext } from "../src/server/seed/system-context";
import { tenantSlugSchema } from "../src/server/tenants/tenant.types";

const USAGE = `Usage: npm run sts -- <command>
  export [--tenant <slug>] [--format yaml|json]
  plan <file> [--tenant <slug>]
  apply <file> [--tenant <slug>] [--yes]
  schema`;

const argsSchema = z.discriminatedUnion(
  "command",
  [
    z.object({
      command: z.literal("export"),
      tenant: tenantSlugSchema.optional(),
      format: z.enum(["yaml", "json"], { error: "--format must be yaml or json" }).default("yaml"),
    }),
    z.object({
      command: z.literal("plan"),
      file: z.string().min(1, "name the file"),
      tenant: tenantSlugSchema.optional(),
    }),
    z.object({
      command: z.literal("apply"),
      file: z.string().min(1, "name the file"),
      tenant: tenantSlugSchema.optional(),
      yes: z.boolean().default(false),
    }),
    z.object({ command: z.literal("schema") }),
  ],
  { error: "the command must be export, plan, apply or schema" },
);

function parseArgs(argv: string[]) {
  const raw: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === "--yes" || arg === "-y") raw.yes = true;
    else if (arg === "--tenant" || arg === "--format") raw[arg.slice(2)] = argv[++index] ?? "";
    else if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [command, file, ...rest] = positional;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  const parsed = argsSchema.safeParse({ ...raw, command, ...(file === undefined ? {} : { file }) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "bad arguments"}`,
    );
  }
  return parsed.data;
}

class UsageError extends Error {}

function databaseUrl(): string {
  nextEnv.loadEnvConfig(process.cwd(), false, { info: () => undefined, error: () => undefined });
  const url = z
    .string({ error: "DATABASE_URL is not set" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL")
    .safeParse(process.env.DATABASE_URL);
  if (!url.success) throw new UsageError(url.error.issues[0]?.message ?? "DATABASE_URL is not set");
  return url.data;
}

/** A progress bar on stderr (only when it is a terminal; otherwise one line per phase). */
function progressBar() {
  let lastPhase = "";
  return (progress: ConfigProgress) => {
    const width = 30;
    const share = progress.total === 0 ? 1 : progress.done / progress.total;
    const line = `${progress.phase.padEnd(6)} [${"#".repeat(Math.round(share * width)).padEnd(width, ".")}] ${progress.done}/${progress.total}`;
    if (process.stderr.isTTY)
      process.stderr.write(`\r${line}${progress.done === progress.total ? "\n" : ""}`);
    else if (progress.phase !== lastPhase || progress.done === progress.total)
      process.stderr.write(`${line}\n`);
    lastPhase = progress.phase;
  };
}

async function readConfigFile(file: string): Promise<{ text: string; name: string }> {
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (Buffer.byteLength(text) > CONFIG_FILE_LIMIT_BYTES) {
    throw new UsageError(`${file}: the file exceeds ${CONFIG_FILE_LIMIT_BYTES / (1024 * 1024)} MiB`);
  }
  return { text, name: path.basename(file) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === "schema") {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return;
  }
  const db = createPrismaClient(databaseUrl(), 2);
  const context = systemContext(`cli:${userInfo().username}`);
  try {
    if (args.command === "export") {
      process.stdout.write(
        (await exportConfig(db, context, { tenant: args.tenant, format: args.format })).body,
      );
      return;
    }
    const { text, name } = await readConfigFile(args.file);
    const document = parseConfigFile(text, name);
    const plan = await planConfig(db, context, document, {
      onlyTenant: args.tenant,
      onProgress: progressBar(),
    });
    process.stdout.write(describePlan(plan));
    if (plan.counts.errors > 0) {
      process.exitCode = 1;
      return;
    }
    if (args.command === "plan") return;
    if (plan.tenants.every((tenant) => tenant.action === "unchanged")) {
      process.stdout.write("Nothing to apply.\n");
      return;
    }
    if (!args.yes) {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question("Apply this plan? Type yes: ");
      prompt.close();
      if (answer.trim() !== "yes") {
        process.stderr.write("Not applied.\n");
        process.exitCode = 1;
        return;
      }
    }
    const controller = new AbortController();
    const cancel = () => {
      process.stderr.write("\nCancelling: the transaction is rolled back, nothing changes.\n");
      controller.abort();
    };
    process.once("SIGINT", cancel);
    const result = await applyConfig(db, context, document, {
      baseRevisions: Object.fromEntries(plan.tenants.map((tenant) => [tenant.slug, tenant.baseRevision])),
      baseDigests: Object.fromEntries(plan.tenants.map((tenant) => [tenant.slug, tenant.baseDigest])),
      action: "config.import",
      onlyTenant: args.tenant,
      onProgress: progressBar(),
      signal: controller.signal,
    }).finally(() => process.off("SIGINT", cancel));
    for (const tenant of result.tenants) {
      process.stdout.write(
        `${tenant.slug}: ${tenant.action}${tenant.revision === null ? "" : `, now revision ${tenant.revision}`}\n`,
      );
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`sts: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (error instanceof DomainError) {
    process.stderr.write(`sts: ${error.message}\n`);
    const fields = (error.details?.fieldErrors ?? {}) as Record<string, string[]>;
    for (const [field, messages] of Object.entries(fields).slice(1, 20)) {
      process.stderr.write(`  ${field}: ${messages.join("; ")}\n`);
    }
    process.exitCode = 1;
  } else {
    process.stderr.write(`sts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
});
