/** Idle timeout and maximum age of a console session, enforced wherever a session is read. */
export interface SessionTimes {
  signedInAt: number;
  lastActivityAt: number;
}

export type SessionVerdict = "valid" | "idle" | "expired";

export function judgeSession(
  times: SessionTimes,
  limits: { idleMinutes: number; maxHours: number },
  now = Date.now(),
): SessionVerdict {
  if (now - times.signedInAt > limits.maxHours * 3_600_000) return "expired";
  if (now - times.lastActivityAt > limits.idleMinutes * 60_000) return "idle";
  return "valid";
}

/** Activity is written back at most this often, so ordinary clicks do not rewrite the cookie. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;
