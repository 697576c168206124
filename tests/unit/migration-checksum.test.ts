// Checksums must match Prisma's exactly, or `prisma migrate` would call our migrations modified.
import { describe, expect, inject, it } from "vitest";
import { scriptMatchesChecksum, sha256Hex } from "@/server/db/migration-files";

describe("migration checksums", () => {
  it("renders sha256 as zero-padded lower-case hex, like Prisma's render_checksum", () => {
    // The expected value is the one asserted in Prisma's own checksum tests.
    expect(sha256Hex("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(sha256Hex("abcd")).toHaveLength(64);
  });

  it("matches across line endings and Prisma's old unpadded format, and nothing else", () => {
    const unix = "CREATE TABLE a ();\nCREATE TABLE b ();\n";
    const windows = unix.replace(/\n/g, "\r\n");
    expect(scriptMatchesChecksum(windows, sha256Hex(unix))).toBe(true);
    expect(scriptMatchesChecksum(unix, sha256Hex(windows))).toBe(true);
    const unpadded = Array.from(Buffer.from(sha256Hex(unix), "hex"), (byte) => byte.toString(16)).join("");
    expect(unpadded.length).toBeLessThan(64);
    expect(scriptMatchesChecksum(unix, unpadded)).toBe(true);
    expect(scriptMatchesChecksum("abc\n", sha256Hex("abc"))).toBe(false);
  });

  it("leaves unit test files without a test database", () => {
    expect(process.env.DATABASE_URL ?? "").not.toContain(inject("testDatabaseName"));
  });
});
