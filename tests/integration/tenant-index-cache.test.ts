/**
 * The per-process tenant index cache against a real database: NOTIFY drops an index the moment a
 * change commits; without a listener, one background revision check per interval finds the change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { createMappings } from "@/server/mappings/create-mappings";
import { TenantIndexCache } from "@/server/sts/tenant-index-cache";
import { fileDatabaseUrl } from "../helpers/database";
import { contextOf, openWorld } from "../fixtures/console-world";

let db: Db;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  db = await openWorld();
});

afterAll(async () => {
  await db.$disconnect();
});

async function mapSomething(subject: string): Promise<void> {
  const boot = await contextOf(db, "bootstrap");
  const role = await db.role.findFirstOrThrow({ where: { key: "verifier", tenantId: null } });
  await createMappings(db, boot, "acme", { subject, roleIds: [role.id] });
}

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe("TenantIndexCache", () => {
  it("without a listener: serves the index it has, checks the revision once per interval in the background, then loads the change", async () => {
    const cache = new TenantIndexCache({ db, revisionCheckMs: 300 });
    const first = (await cache.get("acme"))!;
    expect(first.slug).toBe("acme");
    expect(await cache.get(first.tenantId)).toBe(first);

    await mapSomething("index-cache-no-listener");
    // Within the interval nothing is asked: the index as it was.
    expect(await cache.get("acme")).toBe(first);
    expect(cache.stats.revisionChecks).toBe(0);

    await sleep(350);
    // Fifty requests arriving together after the interval: one revision check among them, and each
    // is answered at once with the index it had.
    const burst = await Promise.all(Array.from({ length: 50 }, () => cache.get("acme")));
    expect(burst.every((index) => index === first)).toBe(true);
    expect(cache.stats.revisionChecks).toBe(1);

    await until(async () => (await cache.get("acme"))!.revision !== first.revision);
    const changed = (await cache.get("acme"))!;
    expect(changed.revision).toBe(first.revision + 1);
    expect(changed.grants.GROUP.has("index-cache-no-listener")).toBe(true);
    expect(changed.generation).not.toBe(first.generation);
    await cache.close();
  });

  it("with a listener: a committed change drops the index within milliseconds", async () => {
    const cache = new TenantIndexCache({ db, listenUrl: fileDatabaseUrl(), revisionCheckMs: 60_000 });
    await cache.start();
    const first = (await cache.get("acme"))!;
    await mapSomething("index-cache-listener");
    await until(async () => (await cache.get("acme"))!.revision === first.revision + 1, 2_000);
    expect((await cache.get("acme"))!.grants.GROUP.has("index-cache-listener")).toBe(true);
    expect(cache.stats.revisionChecks).toBe(0);
    await cache.close();
  });

  it("answers undefined for an organisation that does not exist", async () => {
    const cache = new TenantIndexCache({ db });
    expect(await cache.get("no-such-organisation")).toBeUndefined();
  });
});
