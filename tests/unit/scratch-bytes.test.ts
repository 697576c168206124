import { describe, expect, it } from "vitest";
import { asciiBytes, base64urlOfText } from "@/server/shared/scratch-bytes";

describe("scratch bytes", () => {
  it("joins ASCII parts byte for byte, growing past the initial buffer", () => {
    expect(asciiBytes("eyJh", ".", "eyJz").toString("latin1")).toBe("eyJh.eyJz");
    const long = "A".repeat(40_000);
    const bytes = asciiBytes(long, ".", "b");
    expect(bytes.length).toBe(40_002);
    expect(bytes.toString("latin1")).toBe(`${long}.b`);
    expect(asciiBytes().length).toBe(0);
  });

  it("encodes text as base64url of its UTF-8 bytes, as Buffer does", () => {
    for (const text of ["", "{}", '{"name":"Zoë 組織 🛂"}', "x".repeat(20_000), "é".repeat(9_000)]) {
      expect(base64urlOfText(text)).toBe(Buffer.from(text, "utf8").toString("base64url"));
    }
  });
});
