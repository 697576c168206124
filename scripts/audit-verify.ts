// `npm run audit:verify`: checks the audit hash chain of DATABASE_URL from its first entry to its last.
// Exit code 0 = intact, 1 = broken (the first broken entry is named), 2 = could not check.
import { createPrismaClient } from "../src/server/db/client";
import { verifyAuditChain } from "../src/server/audit/verify-audit-chain";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is required: the PostgreSQL database whose audit log to verify.");
    return 2;
  }
  const db = createPrismaClient(url, 2);
  try {
    const result = await verifyAuditChain(db);
    if (result.ok) {
      console.log(
        `OK: ${result.count} audit entries verified${result.lastId ? ` (last id ${result.lastId})` : ""}.`,
      );
      return 0;
    }
    console.error(`BROKEN at entry ${result.brokenId} (${result.reason}): ${result.message}`);
    console.error(`${result.count} entries before it verified.`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      `Could not verify the audit log: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 2;
  },
);
