// Creating and dropping whole databases on a server: used for scratch databases (tests, writing
// migrations), never by the running application.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The same server and credentials, another database. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** `<prefix>_<UTC yyyyMMddHHmmss>_<6 random chars>`: sortable, unique, and well under Postgres' 63-byte limit. */
export function uniqueDatabaseName(prefix: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${prefix}_${stamp}_${randomBytes(4).toString("hex").slice(0, 6)}`;
}

async function withClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database (from template1) and returns its connection string. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return withDatabase(serverUrl, name);
}

/** WITH (FORCE) (Postgres 13+) ends sessions still connected, e.g. a pool a test forgot to close. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Names of databases starting with `prefix` (LIKE wildcards in the prefix are taken literally). */
export async function listDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  const pattern = prefix.replace(/[\\%_]/g, (char) => `\\${char}`) + "%";
  return withClient(serverUrl, async (client) => {
    const result = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname",
      [pattern],
    );
    return result.rows.map((row) => row.datname);
  });
}

/** True when a server answers `SELECT 1` within `timeoutMs`. */
export async function serverAnswers(serverUrl: string, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({
    connectionString: serverUrl,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
