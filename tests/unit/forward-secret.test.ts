import { describe, expect, it } from "vitest";
import { forwardSecretMatches } from "@/server/runtime/forward-secret";

describe("forwardSecretMatches", () => {
  const secret = "s".repeat(43);

  it("accepts exactly the secret of this start", () => {
    expect(forwardSecretMatches(secret, secret)).toBe(true);
  });

  it("refuses a missing, repeated, shorter, longer or different value", () => {
    expect(forwardSecretMatches(undefined, secret)).toBe(false);
    expect(forwardSecretMatches([secret, secret], secret)).toBe(false);
    expect(forwardSecretMatches(secret.slice(1), secret)).toBe(false);
    expect(forwardSecretMatches(`${secret}s`, secret)).toBe(false);
    expect(forwardSecretMatches("t".repeat(43), secret)).toBe(false);
    expect(forwardSecretMatches("", secret)).toBe(false);
  });
});
