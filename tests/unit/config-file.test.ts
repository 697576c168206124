// Config files: the fast JSON path and the YAML path read the same documents, duplicate keys are caught
// whatever the quoting, and the canonical writer is stable.
import { describe, expect, it } from "vitest";
import { CONFIG_FORMAT, type ConfigDocument } from "@/server/config-as-code/config-document.types";
import { parseConfigFile, serialiseConfig } from "@/server/config-as-code/config-file";

const tricky: ConfigDocument = {
  format: CONFIG_FORMAT,
  tenants: [
    {
      id: "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01",
      slug: "acme",
      name: 'Acme "Quoted", {braced} [listed]',
      status: "ACTIVE",
      roles: [{ key: "r", scope: "tenant", name: "R", permissions: ["CREDENTIAL_LIST"] }],
      mappings: [
        {
          subjectType: "GROUP",
          subject: 'a\\b "c", {d}: [e]',
          role: "r",
          scope: "tenant",
          note: "#not a comment",
        },
        { subjectType: "GROUP", subject: "007", role: "r", scope: "tenant" },
        {
          subjectType: "CLIENT",
          subject: "true",
          role: "r",
          scope: "tenant",
          expiresAt: "2030-01-01T00:00:00.000Z",
        },
      ],
    },
  ],
};

describe("config files", () => {
  it("reads back what it writes, in YAML and JSON, byte for byte", () => {
    for (const format of ["yaml", "json"] as const) {
      const text = serialiseConfig(tricky, format);
      const parsed = parseConfigFile(text, `t.${format}`);
      expect(serialiseConfig(parsed, format)).toBe(text);
      // Sorted by subject type, then subject, by code point.
      expect(parsed.tenants[0]!.mappings.map((mapping) => mapping.subject)).toEqual([
        "true",
        "007",
        'a\\b "c", {d}: [e]',
      ]);
    }
  });

  it("finds duplicate keys in JSON even with escaped quotes and braces inside strings", () => {
    const duplicate = `{"format": "${CONFIG_FORMAT}", "tenants": [], "x\\"y": "{\\"tenants\\": 1}", "x\\"y": 2}`;
    expect(() => parseConfigFile(duplicate, "d.json")).toThrow(/d\.json:1:\d+: duplicate key/);
    const nested = `{"format": "${CONFIG_FORMAT}", "tenants": [{"id": "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01", "id": "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01"}]}`;
    expect(() => parseConfigFile(nested, "n.json")).toThrow(/n\.json:1:\d+: duplicate key/);
  });

  it("names the field and its place for schema errors in JSON", () => {
    const text = serialiseConfig(tricky, "json").replace('"status": "ACTIVE"', '"status": "PAUSED"');
    expect(() => parseConfigFile(text, "s.json")).toThrow(
      /s\.json:8:17 \(tenants\[0\]\.status\): status must be ACTIVE or DISABLED/,
    );
  });
});
