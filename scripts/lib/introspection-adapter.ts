// The driver adapter handed to the wasm schema engine (introspection, diffs, applying migrations). The engine (8.x) reads catalog
// columns of Postgres' one-byte `"char"` type (pg_class.relkind, pg_constraint.contype, …) and
// expects them typed as Character, while @prisma/adapter-pg 7.10 rejects that type outright
// ("Column type 'char' could not be deserialized"). So: the pool relabels such columns as `text`
// (their values arrive as text anyway) and remembers their positions, and the adapter then reports
// those positions as Character.
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Keyed by the rows array of a pg result, which adapter-pg passes through unchanged as the rows of
 * its result set: an exact link between a result and its char columns, even for concurrent queries.
 */
const charColumns = new WeakMap<object, number[]>();

function relabel(result: unknown): void {
  // A multi-statement query yields one result per statement.
  for (const single of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = (single ?? {}) as Partial<pg.QueryResult>;
    if (!fields || !rows) continue;
    const positions: number[] = [];
    fields.forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      positions.push(index);
    });
    if (positions.length > 0) charColumns.set(rows, positions);
  }
}

type Callback = (error: Error | null, result?: unknown) => void;

/** Wraps both calling styles of `client.query`: pool.query uses callbacks, the adapter promises. */
function relabelCharColumns(client: pg.PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const query = (...args: unknown[]): unknown => {
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as Callback;
      return original(...args.slice(0, -1), (error: Error | null, result?: unknown) => {
        if (result) relabel(result);
        callback(error, result);
      });
    }
    const returned = original(...args);
    if (!(returned instanceof Promise)) return returned;
    return returned.then((result: unknown) => {
      relabel(result);
      return result;
    });
  };
  Object.assign(client, { query });
}

function reportCharColumns<T extends SqlQueryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  return Object.assign(queryable, {
    queryRaw: async (...args: Parameters<SqlQueryable["queryRaw"]>) => {
      const result = await queryRaw(...args);
      for (const index of charColumns.get(result.rows) ?? [])
        result.columnTypes[index] = ColumnTypeEnum.Character;
      return result;
    },
  });
}

/**
 * adapter-pg's executeScript splits the script on every ";", which breaks any migration containing a
 * function body ($$ … ; … $$). One simple-protocol query runs the whole script, as the native engine
 * does, and Postgres makes a multi-statement query a single implicit transaction.
 */
function wrapAdapter(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  return Object.assign(reportCharColumns(adapter), {
    startTransaction: async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
      reportCharColumns(await startTransaction(...args)),
    executeScript: async (script: string) => {
      await pool.query(script);
    },
  });
}

export interface IntrospectionAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Ends the pool; the adapter does not own it, and idle connections would delay process exit. */
  close: () => Promise<void>;
}

export function createIntrospectionAdapter(connectionString: string): IntrospectionAdapter {
  const pool = new pg.Pool({ connectionString, max: 2 });
  // "connect" fires for every new client before the pool hands it out.
  pool.on("connect", relabelCharColumns);
  const inner = new PrismaPg(pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => wrapAdapter(await inner.connect(), pool),
    // A shadow database is only needed for diffs from a migrations folder, which we do not run.
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  return { factory, close: () => pool.end() };
}
