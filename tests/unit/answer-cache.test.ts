import { describe, expect, it } from "vitest";
import { AnswerCache } from "@/server/sts/answer-cache";
import { buildTenantIndex, nextExpiry } from "@/server/sts/tenant-index";

/** A cache of text answers, each costing its length. */
const textCache = (maxBytes: number, now?: () => number) =>
  new AnswerCache<string>(maxBytes, (text) => text.length, now);

describe("AnswerCache", () => {
  it("keys a question by index, subject type, exact subject list and kind of answer", () => {
    const keys = new Set([
      AnswerCache.key(1, "GROUP", ["a", "b"], "provenance"),
      AnswerCache.key(2, "GROUP", ["a", "b"], "provenance"),
      AnswerCache.key(1, "CLIENT", ["a", "b"], "provenance"),
      AnswerCache.key(1, "GROUP", ["b", "a"], "provenance"),
      AnswerCache.key(1, "GROUP", ["a", "b"], "plain"),
      AnswerCache.key(1, "GROUP", ["a\u0000b"], "provenance"),
      AnswerCache.key(1, "GROUP", ["ab"], "provenance"),
    ]);
    // Only the NUL-joined pair and the one subject holding a NUL could meet; subjects never hold one.
    expect(keys.size).toBe(6);
  });

  it("keeps answers until their validity ends", () => {
    let now = 1_000;
    const cache = textCache(1 << 20, () => now);
    cache.set("k", "x", 2_000);
    expect(cache.get("k")).toBe("x");
    now = 2_000;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.usedBytes).toBe(0);
  });

  it("stays within its byte budget, dropping the least recently used first", () => {
    // Each entry costs its 500 bytes plus key and bookkeeping: four fit, a fifth pushes one out.
    const cache = textCache(2_300);
    for (const key of ["a", "b", "c", "d"]) cache.set(key, key.repeat(500), Infinity);
    expect(cache.size).toBe(4);
    expect(cache.get("a")).toBeDefined(); // a is now the most recently used
    cache.set("e", "e".repeat(500), Infinity);
    expect(cache.get("b")).toBeUndefined();
    expect(["a", "c", "d", "e"].map((key) => cache.get(key) !== undefined)).toEqual([true, true, true, true]);
    expect(cache.usedBytes).toBeLessThanOrEqual(2_300);
    // Replacing an entry does not count it twice.
    cache.set("e", "E".repeat(500), Infinity);
    expect(cache.get("e")).toBe("E".repeat(500));
    expect(cache.size).toBe(4);
  });

  it("never keeps an answer larger than a quarter of the budget, and nothing when disabled", () => {
    const cache = textCache(4_000);
    cache.set("big", "x".repeat(1_200), Infinity);
    expect(cache.get("big")).toBeUndefined();
    const off = textCache(0);
    expect(off.enabled).toBe(false);
    off.set("k", "x", Infinity);
    expect(off.size).toBe(0);
  });
});

describe("AnswerCache.answer", () => {
  const role = { id: "r", key: "role", permissions: [{ permissionKey: "P" }] };
  const index = buildTenantIndex({
    tenant: { id: "t", slug: "t", name: "T", status: "ACTIVE", revision: 1 },
    mappings: [
      { id: "a", subject: "a", subjectType: "GROUP", expiresAt: new Date(5_000), role },
      { id: "b", subject: "b", subjectType: "GROUP", expiresAt: null, role },
    ],
    bitRows: [],
  });

  it("builds an answer once and keeps it until the index's next mapping expiry", () => {
    const cache = textCache(1 << 20);
    let builds = 0;
    const ask = (now: number, subjects = ["a", "b"]) =>
      cache.answer(index, "GROUP", subjects, "plain", now, () => `answer ${(builds += 1)}`);
    expect(ask(1_000)).toBe("answer 1");
    expect(ask(4_999)).toBe("answer 1");
    expect(ask(4_999, ["b", "a"])).toBe("answer 2");
    expect(builds).toBe(2);
    // At the expiry the same question is answered afresh.
    expect(ask(5_000)).toBe("answer 3");
    expect(ask(9_000)).toBe("answer 3");
  });

  it("builds every answer when disabled", () => {
    const off = textCache(0);
    let builds = 0;
    off.answer(index, "GROUP", ["a"], "plain", 0, () => `answer ${(builds += 1)}`);
    off.answer(index, "GROUP", ["a"], "plain", 0, () => `answer ${(builds += 1)}`);
    expect(builds).toBe(2);
    expect(off.size).toBe(0);
  });
});

describe("nextExpiry", () => {
  it("finds the first mapping expiry after an instant", () => {
    const role = { id: "r", key: "role", permissions: [{ permissionKey: "P" }] };
    const mapping = (id: string, expiresAt: number | null) => ({
      id,
      subject: id,
      subjectType: "GROUP" as const,
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
      role,
    });
    const index = buildTenantIndex({
      tenant: { id: "t", slug: "t", name: "T", status: "ACTIVE", revision: 1 },
      mappings: [mapping("a", 3_000), mapping("b", null), mapping("c", 1_000), mapping("d", 2_000)],
      bitRows: [],
    });
    expect(nextExpiry(index, 0)).toBe(1_000);
    expect(nextExpiry(index, 1_000)).toBe(2_000);
    expect(nextExpiry(index, 2_500)).toBe(3_000);
    expect(nextExpiry(index, 3_000)).toBe(Infinity);
    const rebuilt = buildTenantIndex({
      tenant: { id: "t", slug: "t", name: "T", status: "ACTIVE", revision: 1 },
      mappings: [],
      bitRows: [],
    });
    expect(rebuilt.generation).not.toBe(index.generation);
    expect(nextExpiry(rebuilt, 0)).toBe(Infinity);
  });
});
