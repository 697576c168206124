// Reads prisma/migrations the way `prisma migrate` does, so that our runner and Prisma's agree on
// which migrations exist and on their checksums.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface MigrationFile {
  /** Folder name, e.g. `20261127000000_init`; also the `migration_name` recorded in the database. */
  name: string;
  /** The script exactly as stored on disk. */
  sql: string;
  /** sha256 hex of the file's bytes: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/**
 * Resolved against the working directory rather than this module's URL: under Next.js this file is
 * bundled into .next/, while the process still runs from the project root.
 */
export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Mirrors Prisma's `script_matches_checksum`: a checkout with other line endings (git autocrlf) and
 * the unpadded hex written by old Prisma versions still count as the same script.
 */
export function scriptMatchesChecksum(sql: string, recorded: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, "\n"), sql.replace(/\r?\n/g, "\r\n")];
  return variants.some((variant) => {
    const digest = createHash("sha256").update(variant).digest();
    const rendered =
      recorded.length === 64
        ? digest.toString("hex")
        : Array.from(digest, (byte) => byte.toString(16)).join("");
    return rendered === recorded;
  });
}

/**
 * Every folder in the migrations directory is a migration (Prisma's rule); plain files such as
 * migration_lock.toml are ignored. Folders sort by name, which starts with a UTC timestamp.
 */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new Error(`Migration ${name} has no readable migration.sql (${file})`, { cause: error });
      }
      return { name, sql: bytes.toString("utf8"), checksum: sha256Hex(bytes) };
    }),
  );
}
