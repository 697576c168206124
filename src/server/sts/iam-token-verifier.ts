/**
 * Verifies IAM access tokens (JWTs from the customer's IdP) for the STS machine API and the token
 * exchange, following RFC 8725 (JWT Best Current Practices):
 *
 * - The token's size is checked before anything is parsed; its shape (three base64url parts, JSON
 *   objects) before any key is looked up; no crypto runs for a token that fails these checks.
 * - `alg` must be on the configured allow-list (asymmetric algorithms only: `none` and HS* are
 *   refused when the verifier is created) and must fit the key: the JWK's `alg` when it states one,
 *   and always its `kty`/`crv`. HS256 signed with the public key as HMAC secret fails on both counts.
 * - Keys come only from the JWKS that the configured issuer's discovery document names. The header
 *   members `jku`, `x5u`, `jwk` and `x5c` are ignored: nothing is fetched from token content and no
 *   embedded key is used. `kid` is only a lookup key into the cached JWKS (a Map), never a path.
 * - A `crit` header is rejected whatever it lists: this verifier understands no extensions.
 * - `iss` must equal the configured issuer exactly; `aud` must contain the configured audience;
 *   `exp` is required; `nbf` and `iat` must not lie in the future beyond the clock skew.
 * - The JWKS is cached for `jwksCacheSeconds`. A `kid` not in the cache refetches it, at most once per
 *   `refreshCooldownSeconds`; concurrent verifications share one in-flight fetch. When a fetch fails
 *   the cached set keeps serving the keys it has.
 *
 * ID tokens. A token is taken for an access token when its header `typ` is `at+jwt` (RFC 9068). Any
 * other token counts as an ID token when its claims carry a member that only ID tokens have: `nonce`,
 * `at_hash`, `c_hash` or `s_hash` (OpenID Connect Core §2, §3.3.2.11, FAPI), or Keycloak's `typ: "ID"`
 * claim. Such a token is rejected unless `acceptIdTokens` is set. The "azp equals aud" pattern is not
 * used (it is unreliable across IdPs). An ID token from a code flow without nonce has none of these
 * markers; what stops it is the audience check: an ID token's `aud` is the sign-in client id, so
 * `STS_IAM_AUDIENCE` must name the API (resource), never the console's client id.
 *
 * Failure messages never contain the token or any value taken from it.
 */
import { constants, createPublicKey, hash, verify as verifySignature, type KeyObject } from "node:crypto";
import type { JWK } from "jose";
import { asciiBytes } from "../shared/scratch-bytes";

export interface IamVerifierOptions {
  /** Exact expected `iss`; the JWKS is found through this issuer's discovery document. */
  issuer: string;
  /** `aud` must contain one of these. */
  audience: string | string[];
  /** Allow-list of JWS algorithms, e.g. ["RS256", "ES256", "EdDSA"]; never "none", never HS*. */
  algorithms: string[];
  /** Tolerance for exp/nbf/iat; default 60. */
  clockSkewSeconds?: number;
  /** Larger tokens are rejected before any parsing or crypto; default 16 KiB. */
  maxTokenBytes?: number;
  /** How long a fetched JWKS is used before it is fetched again; default 600. */
  jwksCacheSeconds?: number;
  /** At most one JWKS fetch per this many seconds (unknown kid, retries after failure); default 30. */
  refreshCooldownSeconds?: number;
  /** Issuers whose tokens are rejected as `own_token` (the STS's own app tokens). */
  rejectIssuers?: string[];
  /** Accept tokens that look like ID tokens (see the module comment for the rule); default false. */
  acceptIdTokens?: boolean;
  /** Timeout of each discovery/JWKS request; default 3000. */
  fetchTimeoutMs?: number;
  /** Injectable for tests only. */
  fetch?: typeof fetch;
}

export type IamVerificationFailureCode =
  | "malformed"
  | "too_large"
  | "unsupported_alg"
  | "unknown_key"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "missing_claim"
  | "unsupported_crit"
  | "own_token"
  | "id_token_not_accepted"
  | "jwks_unavailable";

export type IamVerificationFailure = { ok: false; code: IamVerificationFailureCode; message: string };

export type IamVerificationSuccess = {
  ok: true;
  claims: Record<string, unknown>;
  header: { alg: string; kid?: string; typ?: string };
};

/** The protected header as reported: members that were absent stay absent. */
function verifiedHeader(
  alg: string,
  kid: string | undefined,
  typ: string | undefined,
): IamVerificationSuccess["header"] {
  const header: IamVerificationSuccess["header"] = { alg };
  if (kid !== undefined) header.kid = kid;
  if (typ !== undefined) header.typ = typ;
  return header;
}

export interface IamTokenVerifier {
  verify(token: string): Promise<IamVerificationSuccess | IamVerificationFailure>;
  /** For tests and metrics. */
  stats(): { jwksFetches: number };
}

/** sha256 hex of the token, for caches and logs that must not hold the token itself. */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

// ---------------------------------------------------------------------------------------------------
// Algorithms and keys

type KeyFamily = { kty: "RSA" } | { kty: "EC"; crv: string } | { kty: "OKP"; crv: string };

/** How a JWS algorithm's signature is checked with node:crypto (RFC 7518 §3, RFC 8037). */
interface SignatureScheme {
  /** null for EdDSA, which hashes internally. */
  digest: "sha256" | "sha384" | "sha512" | null;
  padding?: number;
  saltLength?: number;
  /** JWS carries ECDSA signatures as raw r || s. */
  dsaEncoding?: "ieee-p1363";
}

const PSS = constants.RSA_PKCS1_PSS_PADDING;

/** The asymmetric JWS algorithms this verifier can use, with the key type and signature scheme of each. */
const SUPPORTED_ALGORITHMS: ReadonlyMap<string, KeyFamily & { scheme: SignatureScheme }> = new Map([
  ["RS256", { kty: "RSA", scheme: { digest: "sha256" } }],
  ["RS384", { kty: "RSA", scheme: { digest: "sha384" } }],
  ["RS512", { kty: "RSA", scheme: { digest: "sha512" } }],
  ["PS256", { kty: "RSA", scheme: { digest: "sha256", padding: PSS, saltLength: 32 } }],
  ["PS384", { kty: "RSA", scheme: { digest: "sha384", padding: PSS, saltLength: 48 } }],
  ["PS512", { kty: "RSA", scheme: { digest: "sha512", padding: PSS, saltLength: 64 } }],
  ["ES256", { kty: "EC", crv: "P-256", scheme: { digest: "sha256", dsaEncoding: "ieee-p1363" } }],
  ["ES384", { kty: "EC", crv: "P-384", scheme: { digest: "sha384", dsaEncoding: "ieee-p1363" } }],
  ["ES512", { kty: "EC", crv: "P-521", scheme: { digest: "sha512", dsaEncoding: "ieee-p1363" } }],
  ["EdDSA", { kty: "OKP", crv: "Ed25519", scheme: { digest: null } }],
  ["Ed25519", { kty: "OKP", crv: "Ed25519", scheme: { digest: null } }],
] as const satisfies [string, KeyFamily & { scheme: SignatureScheme }][]);

/** RSA keys shorter than this are refused (RFC 7518 §3.3 and §3.5). */
const MIN_RSA_BITS = 2048;

interface KeyEntry {
  kid: string | undefined;
  /** The JWK's own `alg`, when it states one. */
  alg: string | undefined;
  /** Public members only: a JWKS that (wrongly) publishes private members cannot smuggle them in. */
  publicJwk: JWK;
  fingerprint: string;
  /** Imported once per algorithm (an RSA key without `alg` may serve RS256 and PS256). */
  /** The public key as node:crypto uses it, made on first use. */
  keyObject: KeyObject | undefined;
}

interface KeySet {
  fetchedAt: number;
  entries: KeyEntry[];
  byKid: Map<string, KeyEntry[]>;
}

function keyFits(entry: KeyEntry, alg: string): boolean {
  const family = SUPPORTED_ALGORITHMS.get(alg);
  if (!family) return false;
  if (entry.alg !== undefined && entry.alg !== alg) return false;
  if (entry.publicJwk.kty !== family.kty) return false;
  return !("crv" in family) || entry.publicJwk.crv === family.crv;
}

function stringMember(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === "string" ? value : undefined;
}

/** Turns one member of a JWKS `keys` array into a usable verification key, or undefined to skip it. */
function toKeyEntry(raw: unknown): KeyEntry | undefined {
  if (!isRecord(raw)) return undefined;
  const kty = stringMember(raw, "kty");
  if ("kid" in raw && typeof raw.kid !== "string") return undefined;
  const use = raw.use;
  if (use !== undefined && use !== "sig") return undefined;
  const keyOps = raw.key_ops;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes("verify"))) return undefined;
  const alg = raw.alg;
  if (alg !== undefined && (typeof alg !== "string" || !SUPPORTED_ALGORITHMS.has(alg))) return undefined;

  let publicJwk: JWK;
  if (kty === "RSA") {
    const n = stringMember(raw, "n");
    const e = stringMember(raw, "e");
    if (!n || !e) return undefined;
    publicJwk = { kty, n, e };
  } else if (kty === "EC") {
    const crv = stringMember(raw, "crv");
    const x = stringMember(raw, "x");
    const y = stringMember(raw, "y");
    if (!crv || !x || !y) return undefined;
    publicJwk = { kty, crv, x, y };
  } else if (kty === "OKP") {
    const crv = stringMember(raw, "crv");
    const x = stringMember(raw, "x");
    if (!crv || !x) return undefined;
    publicJwk = { kty, crv, x };
  } else {
    // "oct" (symmetric) keys and unknown types are never used for verification.
    return undefined;
  }
  const kid = stringMember(raw, "kid");
  return {
    kid,
    alg: typeof alg === "string" ? alg : undefined,
    publicJwk,
    fingerprint: JSON.stringify([kid ?? null, typeof alg === "string" ? alg : null, publicJwk]),
    keyObject: undefined,
  };
}

function buildKeySet(document: unknown, previous: KeySet | undefined, fetchedAt: number): KeySet {
  if (!isRecord(document) || !Array.isArray(document.keys)) {
    throw new Error("the JWKS document has no keys array");
  }
  // Keys whose material did not change keep their key objects.
  const known = new Map((previous?.entries ?? []).map((entry) => [entry.fingerprint, entry]));
  const entries: KeyEntry[] = [];
  for (const raw of document.keys) {
    const fresh = toKeyEntry(raw);
    if (!fresh) continue;
    entries.push(known.get(fresh.fingerprint) ?? fresh);
  }
  const byKid = new Map<string, KeyEntry[]>();
  for (const entry of entries) {
    if (entry.kid === undefined) continue;
    const list = byKid.get(entry.kid);
    if (list) list.push(entry);
    else byKid.set(entry.kid, [entry]);
  }
  return { fetchedAt, entries, byKid };
}

// ---------------------------------------------------------------------------------------------------
// Token parsing

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;
/** Discovery and JWKS documents larger than this are refused (a JWKS is a few KiB). */
const MAX_METADATA_BYTES = 512 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const ACCESS_TOKEN_TYPES = new Set(["at+jwt", "application/at+jwt"]);
const GENERIC_TYPES = new Set(["jwt", "application/jwt"]);

function looksLikeIdToken(typ: string | undefined, claims: Record<string, unknown>): boolean {
  if (typ !== undefined && ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) return false;
  return (
    "nonce" in claims ||
    "at_hash" in claims ||
    "c_hash" in claims ||
    "s_hash" in claims ||
    claims.typ === "ID"
  );
}

function failure(code: IamVerificationFailureCode, message: string): IamVerificationFailure {
  return { ok: false, code, message };
}

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (!allowZero && result === 0)) {
    throw new Error(`IAM token verifier: ${name} must be a positive number`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Discovery and JWKS fetching

async function readLimitedJson(response: Response, url: string): Promise<unknown> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_METADATA_BYTES) throw new Error(`the document at ${url} is too large`);
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`empty response from ${url}`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_METADATA_BYTES) {
      await reader.cancel();
      throw new Error(`the document at ${url} is too large`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new Error(`the document at ${url} is not JSON`);
  }
}

/** Where the issuer's metadata may live: OpenID discovery, then RFC 8414 (inserted and appended). */
function metadataUrls(issuer: string): string[] {
  const base = issuer.replace(/\/+$/, "");
  const urls = [`${base}/.well-known/openid-configuration`];
  try {
    const parsed = new URL(base);
    const path = parsed.pathname.replace(/\/+$/, "");
    urls.push(`${parsed.origin}/.well-known/oauth-authorization-server${path}`);
    if (path) urls.push(`${base}/.well-known/oauth-authorization-server`);
  } catch {
    // The constructor validated the issuer; nothing to add.
  }
  return [...new Set(urls)];
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

// ---------------------------------------------------------------------------------------------------

export function createIamTokenVerifier(options: IamVerifierOptions): IamTokenVerifier {
  const issuer = options.issuer;
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new Error("IAM token verifier: issuer must be an absolute URL");
  }
  if (issuerUrl.protocol !== "https:" && issuerUrl.protocol !== "http:") {
    throw new Error("IAM token verifier: issuer must be an http(s) URL");
  }
  const audiences = (Array.isArray(options.audience) ? options.audience : [options.audience]).filter(
    (value) => value.length > 0,
  );
  if (audiences.length === 0) throw new Error("IAM token verifier: an audience is required");
  if (options.algorithms.length === 0)
    throw new Error("IAM token verifier: the algorithm allow-list is empty");
  for (const alg of options.algorithms) {
    if (!SUPPORTED_ALGORITHMS.has(alg)) {
      throw new Error(
        `IAM token verifier: algorithm ${JSON.stringify(alg)} is not allowed (asymmetric JWS algorithms only: ${[
          ...SUPPORTED_ALGORITHMS.keys(),
        ].join(", ")})`,
      );
    }
  }
  const algorithms = new Set(options.algorithms);
  const skewSeconds = positive(options.clockSkewSeconds, 60, "clockSkewSeconds", true);
  const maxTokenBytes = positive(options.maxTokenBytes, DEFAULT_MAX_TOKEN_BYTES, "maxTokenBytes");
  const cacheMs = positive(options.jwksCacheSeconds, 600, "jwksCacheSeconds") * 1000;
  const cooldownMs = positive(options.refreshCooldownSeconds, 30, "refreshCooldownSeconds", true) * 1000;
  const timeoutMs = positive(options.fetchTimeoutMs, 3000, "fetchTimeoutMs");
  const rejectIssuers = new Set(options.rejectIssuers ?? []);
  const acceptIdTokens = options.acceptIdTokens ?? false;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  let keySet: KeySet | undefined;
  let jwksUri: string | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastError: string | undefined;
  let inFlight: Promise<void> | undefined;
  let jwksFetches = 0;

  /** GETs a JSON document; an HTTP error status resolves to `found: false`, a network error throws. */
  async function getJson(
    url: string,
  ): Promise<{ found: true; body: unknown } | { found: false; status: number }> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "follow",
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new Error(
        timedOut ? `timed out after ${timeoutMs} ms fetching ${url}` : `could not fetch ${url}`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { found: false, status: response.status };
    }
    return { found: true, body: await readLimitedJson(response, url) };
  }

  async function discoverJwksUri(): Promise<string> {
    const problems: string[] = [];
    // Only a missing document (4xx) moves on to the next location; a server error or an unreachable
    // host fails at once.
    for (const url of metadataUrls(issuer)) {
      const answer = await getJson(url);
      if (!answer.found) {
        if (answer.status >= 500) throw new Error(`HTTP ${answer.status} from ${url}`);
        problems.push(`HTTP ${answer.status} from ${url}`);
        continue;
      }
      const metadata = answer.body;
      if (!isRecord(metadata)) throw new Error(`the metadata at ${url} is not a JSON object`);
      const announced = stringMember(metadata, "issuer");
      if (announced === undefined || !sameIssuer(announced, issuer)) {
        throw new Error(`the metadata at ${url} names another issuer`);
      }
      const uri = stringMember(metadata, "jwks_uri");
      if (!uri) throw new Error(`the metadata at ${url} has no jwks_uri`);
      let parsed: URL;
      try {
        parsed = new URL(uri);
      } catch {
        throw new Error(`the jwks_uri in ${url} is not a URL`);
      }
      const allowed = issuerUrl.protocol === "https:" ? ["https:"] : ["https:", "http:"];
      if (!allowed.includes(parsed.protocol)) throw new Error(`the jwks_uri in ${url} is not ${allowed[0]}`);
      return parsed.href;
    }
    throw new Error(`no issuer metadata found (${problems.join("; ")})`);
  }

  async function load(): Promise<void> {
    jwksUri ??= await discoverJwksUri();
    jwksFetches += 1;
    const answer = await getJson(jwksUri);
    if (!answer.found) throw new Error(`HTTP ${answer.status} from ${jwksUri}`);
    keySet = buildKeySet(answer.body, keySet, Date.now());
  }

  /** Fetches the JWKS; concurrent callers share one fetch. Never rejects: failures land in lastError. */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    lastAttemptAt = Date.now();
    inFlight = (async () => {
      try {
        await load();
        lastError = undefined;
      } catch (error) {
        // Discover again next time: the provider may have moved its JWKS.
        jwksUri = undefined;
        lastError = `the IdP's JWKS could not be fetched: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  /** Joins a running fetch, or starts one when the cooldown allows; otherwise returns at once. */
  async function refreshIfAllowed(): Promise<void> {
    if (inFlight) await inFlight;
    else if (Date.now() - lastAttemptAt >= cooldownMs) await refresh();
  }

  function candidates(kid: string | undefined, alg: string): KeyEntry[] {
    if (!keySet) return [];
    if (kid !== undefined) return keySet.byKid.get(kid) ?? [];
    // No kid: usable only when exactly one key of the set fits the algorithm.
    const fitting = keySet.entries.filter((entry) => keyFits(entry, alg));
    return fitting.length === 1 ? fitting : [];
  }

  async function findKey(
    kid: string | undefined,
    alg: string,
  ): Promise<{ entry: KeyEntry } | IamVerificationFailure> {
    if (!keySet || Date.now() - keySet.fetchedAt >= cacheMs) await refreshIfAllowed();
    if (!keySet) return failure("jwks_unavailable", lastError ?? "the IdP's JWKS is not available");

    let found = candidates(kid, alg);
    if (found.length === 0 && kid !== undefined) {
      await refreshIfAllowed();
      found = candidates(kid, alg);
    }
    if (found.length === 0) {
      if (lastError !== undefined) return failure("jwks_unavailable", lastError);
      return failure(
        "unknown_key",
        kid === undefined
          ? "the token has no kid and the IdP's JWKS has no single key for its algorithm"
          : "the token's kid is not in the IdP's JWKS",
      );
    }
    const entry = found.find((candidate) => keyFits(candidate, alg));
    if (!entry) return failure("unsupported_alg", "the token's alg does not match the key its kid names");
    return { entry };
  }

  function importKey(entry: KeyEntry): KeyObject {
    if (!entry.keyObject) {
      const key = createPublicKey({ key: { ...entry.publicJwk }, format: "jwk" });
      if (key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
        throw new Error(`RSA keys need at least ${MIN_RSA_BITS} bits`);
      }
      entry.keyObject = key;
    }
    return entry.keyObject;
  }

  async function verify(token: string): Promise<IamVerificationSuccess | IamVerificationFailure> {
    // 1. Size, before anything else looks at the content. A UTF-16 length above the limit means at
    //    least as many UTF-8 bytes, so huge strings are refused without being scanned.
    if (typeof token !== "string" || token.length === 0) return failure("malformed", "no token");
    if (token.length > maxTokenBytes || Buffer.byteLength(token, "utf8") > maxTokenBytes) {
      return failure("too_large", `the token is larger than ${maxTokenBytes} bytes`);
    }

    // 2. Shape: compact JWS with three base64url parts, JSON object header and payload.
    const parts = token.split(".");
    if (parts.length !== 3) return failure("malformed", "the token is not a compact JWS (three parts)");
    const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
    const header = decodeJsonObject(headerPart);
    if (!header) return failure("malformed", "the token header is not base64url-encoded JSON");
    const claims = decodeJsonObject(payloadPart);
    if (!claims) return failure("malformed", "the token payload is not base64url-encoded JSON");

    // 3. Header: algorithm allow-list, no critical extensions. jku/x5u/jwk/x5c are never read.
    const alg = header.alg;
    if (typeof alg !== "string") return failure("malformed", "the token header has no alg");
    if (!algorithms.has(alg)) {
      return failure("unsupported_alg", `the token's alg is not one of ${[...algorithms].join(", ")}`);
    }
    if ("crit" in header) return failure("unsupported_crit", "the token lists critical header extensions");
    if (signaturePart === "" || !BASE64URL.test(signaturePart)) {
      return failure("malformed", "the token has no signature");
    }
    const kid = header.kid;
    if (kid !== undefined && typeof kid !== "string")
      return failure("malformed", "the token's kid is not a string");
    const typ = header.typ;
    if (typ !== undefined && typeof typ !== "string")
      return failure("malformed", "the token's typ is not a string");
    if (
      typ !== undefined &&
      !ACCESS_TOKEN_TYPES.has(typ.toLowerCase()) &&
      !GENERIC_TYPES.has(typ.toLowerCase())
    ) {
      return failure("malformed", "the token's typ is not that of an access token (at+jwt or JWT)");
    }

    // 4. Issuer, before any key is looked up: it decides which keys apply, and a foreign or own
    //    token must not cause JWKS fetches. Rejecting on unverified content is safe.
    if (!("iss" in claims)) return failure("missing_claim", "the token has no iss claim");
    const iss = claims.iss;
    if (typeof iss !== "string") return failure("malformed", "the token's iss is not a string");
    if (rejectIssuers.has(iss)) {
      return failure("own_token", "tokens issued by this STS are not accepted here: present an IAM token");
    }
    if (iss !== issuer) return failure("wrong_issuer", `the token was not issued by ${issuer}`);

    // 5. Key and signature.
    const found = await findKey(kid, alg);
    if ("ok" in found) return found;
    let key: KeyObject;
    try {
      key = importKey(found.entry);
    } catch {
      return failure("unknown_key", "the IdP's key for this kid could not be imported");
    }
    // Synchronous: a signature check costs tens of microseconds, less than a thread-pool round trip.
    const scheme = SUPPORTED_ALGORITHMS.get(alg)!.scheme;
    let verified: boolean;
    try {
      verified = verifySignature(
        scheme.digest,
        // Both parts passed the base64url check above: ASCII.
        asciiBytes(headerPart, ".", payloadPart),
        { key, padding: scheme.padding, saltLength: scheme.saltLength, dsaEncoding: scheme.dsaEncoding },
        Buffer.from(signaturePart, "base64url"),
      );
    } catch {
      verified = false;
    }
    if (!verified) return failure("bad_signature", "the token's signature does not verify");

    // 6. Claims (now authenticated).
    const now = Date.now() / 1000;
    if (!("exp" in claims)) return failure("missing_claim", "the token has no exp claim");
    for (const name of ["exp", "nbf", "iat"] as const) {
      if (name in claims && (typeof claims[name] !== "number" || !Number.isFinite(claims[name]))) {
        return failure("malformed", `the token's ${name} is not a number`);
      }
    }
    const exp = claims.exp as number;
    if (exp <= now - skewSeconds) return failure("expired", "the token has expired");
    if (typeof claims.nbf === "number" && claims.nbf > now + skewSeconds) {
      return failure("not_yet_valid", "the token is not valid yet (nbf)");
    }
    if (typeof claims.iat === "number" && claims.iat > now + skewSeconds) {
      return failure("not_yet_valid", "the token was issued in the future (iat)");
    }

    if (!("aud" in claims)) return failure("missing_claim", "the token has no aud claim");
    const aud = claims.aud;
    const tokenAudiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : undefined;
    if (!tokenAudiences || tokenAudiences.some((value) => typeof value !== "string")) {
      return failure("malformed", "the token's aud is not a string or an array of strings");
    }
    if (!audiences.some((expected) => tokenAudiences.includes(expected))) {
      return failure("wrong_audience", `the token's audience does not include ${audiences.join(" or ")}`);
    }

    if (!acceptIdTokens && looksLikeIdToken(typ, claims)) {
      return failure("id_token_not_accepted", "ID tokens are not accepted: present an access token");
    }

    return {
      ok: true,
      claims,
      header: verifiedHeader(alg, kid, typ),
    };
  }

  return {
    verify,
    stats: () => ({ jwksFetches }),
  };
}
