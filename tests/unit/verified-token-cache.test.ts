import { describe, expect, it } from "vitest";
import type { IamVerificationFailure, IamVerificationSuccess } from "@/server/sts/iam-token-verifier";
import { cacheVerifiedTokens } from "@/server/sts/verified-token-cache";

function fakeVerifier(exp: number) {
  let calls = 0;
  const verify = async (token: string): Promise<IamVerificationSuccess | IamVerificationFailure> => {
    calls += 1;
    if (token.startsWith("bad"))
      return { ok: false, code: "bad_signature", message: "signature does not verify" };
    return { ok: true, claims: { sub: token, exp }, header: { alg: "RS256" } };
  };
  return { verify, calls: () => calls };
}

describe("cacheVerifiedTokens", () => {
  it("verifies a token once and answers again from memory until it expires", async () => {
    let now = 1_000_000;
    const inner = fakeVerifier(1_100);
    const verify = cacheVerifiedTokens(inner.verify, 10, () => now);
    expect(await verify("t1")).toMatchObject({ ok: true, claims: { sub: "t1" } });
    expect(await verify("t1")).toMatchObject({ ok: true });
    expect(inner.calls()).toBe(1);
    now = 1_100_000;
    await verify("t1");
    expect(inner.calls()).toBe(2);
  });

  it("never remembers a failure", async () => {
    const inner = fakeVerifier(2_000_000);
    const verify = cacheVerifiedTokens(inner.verify, 10, () => 0);
    expect((await verify("bad-token")).ok).toBe(false);
    expect((await verify("bad-token")).ok).toBe(false);
    expect(inner.calls()).toBe(2);
  });

  it("drops the oldest entry when full, and is bypassed with size 0", async () => {
    const inner = fakeVerifier(2_000_000);
    const verify = cacheVerifiedTokens(inner.verify, 2, () => 0);
    await verify("a");
    await verify("b");
    await verify("c");
    await verify("a");
    expect(inner.calls()).toBe(4);
    const direct = fakeVerifier(2_000_000);
    const uncached = cacheVerifiedTokens(direct.verify, 0);
    await uncached("a");
    await uncached("a");
    expect(direct.calls()).toBe(2);
  });
});
