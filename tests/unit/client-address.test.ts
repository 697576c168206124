// Which address is the client's: X-Forwarded-For only as far as trusted proxies vouch for it.
import { describe, expect, it } from "vitest";
import { clientAddress, isUsableRequestId } from "@/server/http/client-address";

const PEER = "10.0.0.5";

describe("clientAddress", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress(PEER, "203.0.113.7", 0)).toBe(PEER);
    expect(clientAddress(PEER, ["203.0.113.7", "198.51.100.2"], 0)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7", -1)).toBe(PEER);
  });

  it("uses the peer when there is no X-Forwarded-For", () => {
    expect(clientAddress(PEER, undefined, 1)).toBe(PEER);
    expect(clientAddress(PEER, "", 1)).toBe(PEER);
    expect(clientAddress(PEER, " , ,", 1)).toBe(PEER);
    expect(clientAddress(PEER, [], 1)).toBe(PEER);
  });

  it("takes the right-most entry behind one trusted proxy, ignoring what the client prepended", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    expect(clientAddress(PEER, "1.2.3.4, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "203.0.113.7", 1)).toBe("203.0.113.7");
  });

  it("takes the second entry from the right behind two trusted proxies", () => {
    // client-spoofed, real client (added by the outer proxy), outer proxy (added by the inner proxy)
    expect(clientAddress(PEER, "1.2.3.4, 203.0.113.7, 192.0.2.10", 2)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "203.0.113.7,192.0.2.10", 2)).toBe("203.0.113.7");
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    expect(clientAddress(PEER, ["1.2.3.4", "203.0.113.7, 192.0.2.10"], 2)).toBe("203.0.113.7");
    expect(clientAddress(PEER, ["1.2.3.4", "203.0.113.7"], 1)).toBe("203.0.113.7");
  });

  it("falls back to the peer when the chain is shorter than the trusted hops", () => {
    expect(clientAddress(PEER, "203.0.113.7", 2)).toBe(PEER);
  });

  it("falls back to the peer when the entry is not an IP address", () => {
    expect(clientAddress(PEER, "1.2.3.4, <script>alert(1)</script>", 1)).toBe(PEER);
    expect(clientAddress(PEER, "unknown", 1)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7 OR 1=1", 1)).toBe(PEER);
    expect(clientAddress(PEER, "evil.example.com", 1)).toBe(PEER);
    expect(clientAddress(PEER, "1", 1)).toBe(PEER);
    expect(clientAddress(PEER, `1.${"1".repeat(50)}`, 1)).toBe(PEER);
  });

  it("accepts IPv6 entries", () => {
    expect(clientAddress(PEER, "2001:db8::1", 1)).toBe("2001:db8::1");
    expect(clientAddress(PEER, "1.2.3.4, 2001:DB8:0:0:8:800:200C:417A", 1)).toBe(
      "2001:DB8:0:0:8:800:200C:417A",
    );
  });

  it("strips the ::ffff: prefix of an IPv4-mapped peer address", () => {
    expect(clientAddress("::ffff:10.0.0.5", undefined, 0)).toBe(PEER);
    expect(clientAddress("::ffff:10.0.0.5", "not an ip", 1)).toBe(PEER);
    expect(clientAddress("::1", undefined, 0)).toBe("::1");
  });

  it("gives an empty string without a peer address", () => {
    expect(clientAddress(undefined, undefined, 0)).toBe("");
    expect(clientAddress(undefined, "203.0.113.7", 0)).toBe("");
    expect(clientAddress(undefined, "203.0.113.7", 1)).toBe("203.0.113.7");
  });
});

describe("isUsableRequestId", () => {
  it("accepts ids of 8 to 100 word characters, dots and dashes", () => {
    expect(isUsableRequestId("3f2c8a1e-9b7d-4c6e-8f1a-2b3c4d5e6f70")).toBe(true);
    expect(isUsableRequestId("req_1234")).toBe(true);
    expect(isUsableRequestId("Root=1-67891233-abcdef012345678912345678".replace("=", "."))).toBe(true);
    expect(isUsableRequestId("a".repeat(100))).toBe(true);
  });

  it("rejects missing, short, long or unsafe ids", () => {
    expect(isUsableRequestId(undefined)).toBe(false);
    expect(isUsableRequestId("")).toBe(false);
    expect(isUsableRequestId("1234567")).toBe(false);
    expect(isUsableRequestId("a".repeat(101))).toBe(false);
    expect(isUsableRequestId("abc def ghi")).toBe(false);
    expect(isUsableRequestId("abcdefgh\nforged log line")).toBe(false);
    expect(isUsableRequestId("../../etc/passwd")).toBe(false);
    expect(isUsableRequestId("Root=1-67891233")).toBe(false);
    expect(isUsableRequestId("<script>alert(1)</script>")).toBe(false);
  });
});
