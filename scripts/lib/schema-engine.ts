// Offline access to Prisma's schema engine (WebAssembly build) for writing migrations and checking drift.
// The native engine cannot be downloaded on every machine; the wasm build talks to Postgres through the
// pg driver adapter instead.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

type DiffTarget =
  | { tag: "empty" }
  | { tag: "schemaDatamodel"; files: { path: string; content: string }[] }
  | { tag: "url"; url: string };

interface SchemaEngineInstance {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    shadowDatabaseUrl: null;
    exitCode: boolean | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
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

/**
 * Computes the SQL that takes `from` to `to`. The engine needs a reachable database even when neither
 * side is a database, so a connection string is always required.
 */
export async function diffSchemas(
  connectionString: string,
  from: "empty" | "database" | "schema",
  to: "empty" | "database" | "schema",
): Promise<string> {
  modulePromise ??= loadModule();
  const bindings = await modulePromise;
  const schemaText = await readFile(SCHEMA_PATH, "utf8");
  const target = (side: typeof from): DiffTarget => {
    if (side === "empty") return { tag: "empty" };
    if (side === "database") return { tag: "url", url: connectionString };
    return { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schemaText }] };
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schemaText]] },
    () => undefined,
    adapter,
  );
  try {
    const result = await engine.diff({
      from: target(from),
      to: target(to),
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}
