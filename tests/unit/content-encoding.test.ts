import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsGzip, bodyIsEncoded, encodeBody, GZIP_MIN_BYTES } from "@/server/http/content-encoding";

describe("acceptsGzip", () => {
  it.each([
    ["gzip", true],
    ["gzip, deflate", true],
    ["br, gzip, deflate", true],
    ["GZIP", true],
    ["x-gzip", true],
    ["deflate, gzip;q=0.5", true],
    ["gzip ; q=1.0", true],
    ["*", true],
    ["*;q=0.1", true],
    ["identity, *;q=0.2", true],
  ])("allows gzip for %j", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it.each([
    [null, false],
    ["", false],
    ["identity", false],
    ["br, deflate", false],
    ["gzip;q=0", false],
    ["gzip;q=0.000", false],
    ["*, gzip;q=0", false],
    ["*;q=0", false],
    // Unreadable headers allow identity only.
    ["gzip;q=2", false],
    ["gzip;q=abc", false],
    ["gzip;level=9", false],
    ["gzip, de flate", false],
    ["gzip, " + "x".repeat(1100), false],
  ])("refuses gzip for %j", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe("encodeBody", () => {
  const large = Buffer.from(
    JSON.stringify({
      items: Array.from({ length: 400 }, (_, i) => ({ subject: `group-${i}`, role: "auditor" })),
    }),
  );

  it("compresses a large body for a client that accepts gzip, losslessly", () => {
    expect(large.length).toBeGreaterThanOrEqual(GZIP_MIN_BYTES);
    const encoded = encodeBody(large, true);
    expect(encoded.gzip).toBe(true);
    expect(encoded.body.length).toBeLessThan(large.length / 4);
    expect(gunzipSync(encoded.body).equals(large)).toBe(true);
  });

  it("leaves small bodies, and every body for other clients, as they are", () => {
    const small = Buffer.from('{"roles":["auditor"]}');
    expect(encodeBody(small, true)).toEqual({ body: small, gzip: false });
    expect(encodeBody(large, false)).toEqual({ body: large, gzip: false });
  });
});

describe("bodyIsEncoded", () => {
  it.each([
    [null, false],
    ["", false],
    ["identity", false],
    ["IDENTITY", false],
    ["gzip", true],
    ["br", true],
    ["identity, gzip", true],
    ["x-custom", true],
  ])("reads Content-Encoding %j as compressed: %s", (header, expected) => {
    expect(bodyIsEncoded(header)).toBe(expected);
  });
});
