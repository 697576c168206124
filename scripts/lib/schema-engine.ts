// Offline access to Prisma's schema engine (WebAssembly build) for writing migrations and checking drift.
// The native engine cannot be downloaded on every machine; the wasm build talks to Postgres through the
// pg driver adapter instead.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { createIntrospectionAdapter } from "./introspection-adapter";

type DiffTarget =
  | { tag: "empty" }
  | { tag: "schemaDatamodel"; files: { path: string; content: string }[] }
  | { tag: "schemaDatasource"; files: { path: string; content: string }[]; configDir: string };

interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}

/** The engine's view of a migrations folder (see MigrationList in @prisma/schema-engine-wasm). */
interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: "ok"; value: string } | { tag: "error"; value: string } };
  }[];
}

interface SchemaEngineInstance {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    shadowDatabaseUrl: null;
    exitCode: boolean | null;
    filters: SchemaFilter;
  }): Promise<{ exitCode: number; stdout: string | null }>;
  applyMigrations(input: {
    migrationsList: MigrationList;
    filters: SchemaFilter;
  }): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

interface SchemaEngineModule {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] },
      log: (message: string) => void,
      adapter: object,
    ) => Promise<SchemaEngineInstance>;
  };
}

export const SCHEMA_PATH = path.resolve("prisma/schema.prisma");

let modulePromise: Promise<SchemaEngineModule> | undefined;

/**
 * The wasm build reports a Rust panic by calling this registry and then trapping with a bare
 * "unreachable"; without it the panic message is lost behind a TypeError.
 */
let lastPanic: string | undefined;
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message: (message: string) => {
    lastPanic = message;
  },
};

/** What the engine prints for a diff without changes. */
const EMPTY_MIGRATION = "-- This is an empty migration.";

async function loadModule(): Promise<SchemaEngineModule> {
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bindings = (await import(jsPath)) as SchemaEngineModule & Record<string, unknown>;
  const wasmBytes = await readFile(path.join(path.dirname(jsPath), "schema_engine_bg.wasm"));
  const compiled = await WebAssembly.compile(wasmBytes);
  const instance = new WebAssembly.Instance(compiled, {
    "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings;
}

export interface DiffOptions {
  /** Used instead of prisma/schema.prisma for the "schema" side (e.g. to prove a drift check can fail). */
  schemaText?: string;
}

/**
 * Runs `work` with an engine connected to `connectionString`, translating a wasm panic into an error
 * that carries the panic message, and always releasing the engine and its pool.
 */
async function withEngine<T>(
  connectionString: string,
  schemaText: string,
  work: (engine: SchemaEngineInstance) => Promise<T>,
): Promise<T> {
  modulePromise ??= loadModule();
  const bindings = await modulePromise;
  const introspection = createIntrospectionAdapter(connectionString);
  const adapter = bindMigrationAwareSqlAdapterFactory(introspection.factory);
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schemaText]] },
    () => undefined,
    adapter,
  ).catch(async (error: unknown) => {
    await introspection.close();
    throw error;
  });
  try {
    return await work(engine);
  } catch (error) {
    if (lastPanic === undefined) throw error;
    const message = `Prisma schema engine panicked: ${lastPanic}`;
    lastPanic = undefined;
    // A trapped wasm instance is not safe to reuse; the next call loads a fresh one.
    modulePromise = undefined;
    throw new Error(message, { cause: error });
  } finally {
    try {
      engine.free();
    } catch {
      // Freeing a trapped instance can fail too; it is discarded either way.
    }
    await introspection.close();
  }
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Computes the SQL that takes `from` to `to`, or "" when they agree. The engine needs a reachable
 * database even when neither side is a database, so a connection string is always required.
 */
export async function diffSchemas(
  connectionString: string,
  from: "empty" | "database" | "schema",
  to: "empty" | "database" | "schema",
  options: DiffOptions = {},
): Promise<string> {
  const schemaText = options.schemaText ?? (await readFile(SCHEMA_PATH, "utf8"));
  const files = [{ path: SCHEMA_PATH, content: schemaText }];
  const target = (side: typeof from): DiffTarget => {
    if (side === "empty") return { tag: "empty" };
    // The "url" tag is refused by Prisma 7 engines ("--from-url ... no longer supported"); the
    // schema's datasource is reached through the driver adapter given to the engine.
    if (side === "database") return { tag: "schemaDatasource", files, configDir: path.dirname(SCHEMA_PATH) };
    return { tag: "schemaDatamodel", files };
  };
  return withEngine(connectionString, schemaText, async (engine) => {
    const result = await engine.diff({
      from: target(from),
      to: target(to),
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = result.stdout ?? "";
    return sql.trim() === EMPTY_MIGRATION ? "" : sql;
  });
}

/**
 * Prisma's own `migrate deploy` step (the engine's applyMigrations) on a migrations folder: returns
 * the names it applied. Used to prove that databases migrated by src/server/db/migrate.ts are ones
 * Prisma accepts as up to date.
 */
export async function prismaMigrateDeploy(
  connectionString: string,
  migrationsDir: string,
): Promise<string[]> {
  const schemaText = await readFile(SCHEMA_PATH, "utf8");
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: unknown) => ({ tag: "error" as const, value: String(error) }),
        ),
      },
    })),
  );
  const lockfilePath = path.join(migrationsDir, "migration_lock.toml");
  const migrationsList: MigrationList = {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: await readFile(lockfilePath, "utf8").catch(() => null),
    },
    shadowDbInitScript: "",
    migrationDirectories,
  };
  return withEngine(connectionString, schemaText, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}
