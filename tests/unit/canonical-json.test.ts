// Deterministic JSON, the input of the audit hash chain.
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/server/audit/canonical-json";

describe("canonicalJson", () => {
  it("sorts object keys, so key order does not matter", () => {
    const a = canonicalJson({ b: 1, a: 2, c: { z: true, y: null } });
    const b = canonicalJson({ c: { y: null, z: true }, a: 2, b: 1 });
    expect(a).toBe('{"a":2,"b":1,"c":{"y":null,"z":true}}');
    expect(b).toBe(a);
  });

  it("sorts by code unit, upper case before lower case", () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, A: 4, _: 5, "10": 6, "9": 7 })).toBe(
      '{"10":6,"9":7,"A":4,"B":2,"_":5,"a":3,"b":1}',
    );
  });

  it("keeps array order and sorts keys of objects inside arrays", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson({ roles: ["b", "a"], list: [{ y: 1, x: [{ d: 1, c: 2 }] }, [2, [1]]] })).toBe(
      '{"list":[{"x":[{"c":2,"d":1}],"y":1},[2,[1]]],"roles":["b","a"]}',
    );
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it("drops undefined object members but keeps null", () => {
    expect(canonicalJson({ a: undefined, b: null, c: 1 })).toBe('{"b":null,"c":1}');
    expect(canonicalJson({ a: undefined })).toBe("{}");
    expect(canonicalJson({ a: undefined, b: 1 })).toBe(canonicalJson({ b: 1 }));
  });

  it("writes undefined as null at the top level and in arrays", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([1, undefined, 3])).toBe("[1,null,3]");
  });

  it("writes scalars as JSON does", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson(0)).toBe("0");
    expect(canonicalJson(-1.5)).toBe("-1.5");
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson([])).toBe("[]");
  });

  it("escapes strings and keys", () => {
    expect(canonicalJson({ 'k"\n': 'v"\\\u0001', é: "ü😀" })).toBe('{"k\\"\\n":"v\\"\\\\\\u0001","é":"ü😀"}');
  });

  it("equals JSON.stringify for an object whose keys are already sorted", () => {
    const value = { actor: "u-1", after: { groups: ["/acme/admins"], n: 2 }, at: "2026-11-27T12:00:00.000Z" };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(JSON.parse(canonicalJson({ z: 1, a: [{ c: 1, b: 2 }] }))).toEqual({ z: 1, a: [{ c: 1, b: 2 }] });
  });

  it("distinguishes values that differ", () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ a: [] })).not.toBe(canonicalJson({ a: {} }));
  });
});
