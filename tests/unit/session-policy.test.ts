// Idle timeout and maximum age of a console session.
import { describe, expect, it } from "vitest";
import { judgeSession } from "@/server/auth/session-policy";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const limits = { idleMinutes: 30, maxHours: 8 };
const now = Date.parse("2026-11-27T12:00:00.000Z");

describe("judgeSession", () => {
  it("is valid for a fresh session", () => {
    expect(judgeSession({ signedInAt: now, lastActivityAt: now }, limits, now)).toBe("valid");
  });

  it("is valid up to and including the idle limit", () => {
    const times = { signedInAt: now - 2 * HOUR, lastActivityAt: now - 30 * MINUTE };
    expect(judgeSession(times, limits, now)).toBe("valid");
  });

  it("is idle one millisecond past the idle limit", () => {
    const times = { signedInAt: now - 2 * HOUR, lastActivityAt: now - 30 * MINUTE - 1 };
    expect(judgeSession(times, limits, now)).toBe("idle");
  });

  it("is valid at exactly the maximum age while active", () => {
    const times = { signedInAt: now - 8 * HOUR, lastActivityAt: now - MINUTE };
    expect(judgeSession(times, limits, now)).toBe("valid");
  });

  it("is expired one millisecond past the maximum age, even when active", () => {
    const times = { signedInAt: now - 8 * HOUR - 1, lastActivityAt: now };
    expect(judgeSession(times, limits, now)).toBe("expired");
  });

  it("reports expired rather than idle when both limits are exceeded", () => {
    const times = { signedInAt: now - 9 * HOUR, lastActivityAt: now - 2 * HOUR };
    expect(judgeSession(times, limits, now)).toBe("expired");
  });

  it("uses the limits it is given", () => {
    const times = { signedInAt: now - 90 * MINUTE, lastActivityAt: now - 6 * MINUTE };
    expect(judgeSession(times, { idleMinutes: 5, maxHours: 8 }, now)).toBe("idle");
    expect(judgeSession(times, { idleMinutes: 10, maxHours: 1 }, now)).toBe("expired");
    expect(judgeSession(times, { idleMinutes: 10, maxHours: 2 }, now)).toBe("valid");
  });

  it("defaults now to the current time", () => {
    const current = Date.now();
    expect(judgeSession({ signedInAt: current - HOUR, lastActivityAt: current - MINUTE }, limits)).toBe(
      "valid",
    );
    expect(judgeSession({ signedInAt: current - HOUR, lastActivityAt: current - 31 * MINUTE }, limits)).toBe(
      "idle",
    );
    expect(judgeSession({ signedInAt: current - 9 * HOUR, lastActivityAt: current }, limits)).toBe("expired");
  });
});
