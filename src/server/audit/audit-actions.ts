/** Audit actions that record security events rather than configuration changes. */
export const SECURITY_ACTIONS: readonly string[] = [
  "auth.sign_in",
  "auth.sign_out",
  "auth.sign_in_failed",
  "authz.denied",
  "sts.token_denied",
  "audit.security_events_dropped",
];

/** Refusals of people (token-endpoint refusals are counted from ActivityEvent). */
export const DENIAL_ACTIONS: readonly string[] = ["auth.sign_in_failed", "authz.denied"];
