import { describe, expect, it } from "vitest";
import { plainText, plainTextList } from "@/server/shared/text";

const messagesOf = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (result.success ? [] : result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));

describe("plainTextList", () => {
  const one = plainText("subject", 10);
  const list = plainTextList("subject", 10, "groups must be a list");

  it("applies plainText's rules and messages to every item, each at its index", () => {
    const values = [
      "ok",
      "",
      "x".repeat(11),
      "tab\there",
      "del\u007f",
      "c1\u0085",
      "x".repeat(10),
      "ünïcødé",
    ];
    const expected = values.flatMap((value, at) =>
      messagesOf(one.safeParse(value)).map(([, message]) => [String(at), message]),
    );
    expect(expected).toHaveLength(5);
    expect(messagesOf(list.safeParse(values))).toEqual(expected);
    expect(list.parse(["a", "b c", "ünïcødé"])).toEqual(["a", "b c", "ünïcødé"]);
  });

  it("names a non-list and a non-text item", () => {
    expect(messagesOf(list.safeParse("a"))).toEqual([["", "groups must be a list"]]);
    expect(messagesOf(list.safeParse(["a", 5]))).toEqual([["1", "subject must be text"]]);
  });
});
