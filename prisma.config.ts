import { defineConfig } from "prisma/config";

// Connection URLs live in the application's adapter (src/server/db/client.ts), not here:
// `prisma generate` must work without a database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
