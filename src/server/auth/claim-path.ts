/**
 * Reads role and group values out of OIDC claims through a configurable path.
 *
 * A path is first tried as one exact key, because IdPs use claim names that contain dots
 * (`https://example.com/claims/roles`); only then as a dot path (`realm_access.roles`).
 * An array yields its string items. A string is one value unless a separator is configured; it is
 * never split on spaces, or "Domain Admins" would grant a group called "Admins".
 * Values are returned exactly as sent (no trimming, no case folding): mappings compare them exactly.
 */
export type Claims = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readClaimPath(claims: Claims, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, path)) return claims[path];
  let current: unknown = claims;
  for (const segment of path.split(".")) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

export function claimValues(claims: Claims, path: string, separator?: string): string[] {
  return claimValuesOf(claims, [path], separator);
}

/**
 * The non-empty string values at each path (a list, or one string split at `separator`), each once,
 * in order of appearance: the subjects a token presents under its role and group claims.
 */
export function claimValuesOf(claims: Claims, paths: readonly string[], separator?: string): string[] {
  const seen = new Set<string>();
  const values: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === "string" && value.length > 0 && !seen.has(value)) {
      seen.add(value);
      values.push(value);
    }
  };
  for (const path of paths) {
    const raw = readClaimPath(claims, path);
    if (Array.isArray(raw)) for (const item of raw) add(item);
    else if (typeof raw === "string" && separator) for (const part of raw.split(separator)) add(part);
    else add(raw);
  }
  return values;
}

/** Merges ID token claims with userinfo claims according to OIDC_CLAIMS_SOURCE. */
export function mergeClaimSources(
  source: "id_token" | "userinfo" | "both",
  idTokenClaims: Claims,
  userinfoClaims: Claims | undefined,
): Claims {
  if (source === "id_token" || !userinfoClaims) return idTokenClaims;
  if (source === "userinfo") return { sub: idTokenClaims.sub, ...userinfoClaims };
  // "both": userinfo adds what the ID token lacks; a subject mismatch is rejected by the caller.
  return { ...userinfoClaims, ...idTokenClaims, ...mergeArrays(idTokenClaims, userinfoClaims) };
}

function mergeArrays(first: Claims, second: Claims): Claims {
  const merged: Claims = {};
  for (const [key, value] of Object.entries(second)) {
    const other = first[key];
    if (Array.isArray(value) && Array.isArray(other)) merged[key] = [...new Set([...other, ...value])];
  }
  return merged;
}
