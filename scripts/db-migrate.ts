// `npm run db:migrate`: applies pending prisma/migrations to the database in DATABASE_URL.
// Runs from the project root (npm does that), which is where the migrations folder is looked up.
import { migrateDatabase } from "../src/server/db/migrate";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      "DATABASE_URL is not set. Example:\n" +
        "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/sts_console npm run db:migrate",
    );
    process.exitCode = 2;
    return;
  }
  const { applied } = await migrateDatabase(url, { log: (message) => console.log(message) });
  console.log(
    applied.length === 0
      ? "Database is up to date; no migrations applied."
      : `Applied ${applied.length} migration(s): ${applied.join(", ")}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
