import { z } from "zod";

/**
 * The one place that reads the environment. Every variable is parsed here; a wrong or missing value
 * stops start-up with a message naming the variable. README.md documents each of them.
 */

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((value) => value === "1" || value === "true" || value === "yes");

const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const httpUrl = z
  .url({ protocol: /^https?$/, normalize: true })
  .transform((value) => value.replace(/\/+$/, ""));

const claimPath = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "must not contain white space");

const trustProxy = z
  .string()
  .trim()
  .regex(/^(true|false|\d{1,2})$/, 'must be "false", "true" or a number of proxy hops')
  .transform((value) => (value === "true" ? 1 : value === "false" ? 0 : Number(value)));

const secret = (minLength: number) =>
  z
    .string()
    .min(minLength, `must be at least ${minLength} characters (generate one with: openssl rand -base64 48)`);

/** 32 bytes, given as 64 hex characters or as base64/base64url. */
const keyEncryptionKey = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== 32) {
    ctx.addIssue({
      code: "custom",
      message: "must be 32 random bytes as 64 hex characters or base64 (openssl rand -base64 32)",
    });
    return z.NEVER;
  }
  return bytes;
});

const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: positiveInt(1, 65535).default(3000),
  HOST: z.string().trim().min(1).default("localhost"),
  STS_PUBLIC_URL: httpUrl.optional(),
  STS_DEMO: bool.default(false),
  STS_DATA_DIR: z.string().trim().min(1).default(".data"),
  STS_TRUST_PROXY: trustProxy.default(0),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
    .optional(),

  OIDC_ISSUER: httpUrl,
  OIDC_CLIENT_ID: z.string().trim().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  OIDC_SCOPES: z
    .string()
    .trim()
    .default("openid profile email groups")
    .refine((value) => value.split(/\s+/).includes("openid"), 'must include "openid"'),
  OIDC_CLAIMS_SOURCE: z.enum(["id_token", "userinfo", "both"]).default("both"),
  OIDC_DISPLAY_NAME: z.string().trim().min(1).max(60).default("your identity provider"),

  NEXTAUTH_SECRET: secret(32),

  STS_ROLE_PATH: claimPath.default("roles"),
  STS_GROUPS_PATH: claimPath.default("groups"),
  STS_CLAIM_SEPARATOR: z
    .string()
    .max(5)
    .refine(
      (value) => !/\s/.test(value),
      'must not be white space: group names such as "Domain Admins" contain spaces',
    )
    .optional(),
  STS_BOOTSTRAP_ROLE: z.string().trim().min(1).max(255).default("ONE_STS_ADMIN"),
  STS_SESSION_IDLE_MINUTES: positiveInt(1, 24 * 60).default(30),
  STS_SESSION_MAX_HOURS: positiveInt(1, 24 * 30).default(8),

  STS_KEY_ENCRYPTION_KEY: keyEncryptionKey,

  /** How the machine API (and later the token exchange) authenticates callers; mirrors the platform's modes. */
  STS_AUTH_MODE: z.enum(["STS", "UNSAFE_STATIC", "UNSAFE_NONE"]).default("STS"),
  STS_STATIC_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** Issuer of the IAM access tokens callers present (Okta custom servers and Entra differ from sign-in). */
  // Kept exactly as given: `iss` is compared byte for byte (Auth0's issuer ends in "/").
  STS_IAM_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  STS_IAM_AUDIENCE: z.string().trim().min(1).max(500).optional(),
  STS_IAM_ALGORITHMS: z
    .string()
    .default("RS256,ES256,EdDSA")
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], {
            error: "lists an algorithm that is not allowed (asymmetric JWS algorithms only)",
          }),
        )
        .min(1),
    ),

  /** App tokens: `iss` (default STS_PUBLIC_URL), `aud`, lifetime. */
  STS_TOKEN_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  STS_TOKEN_AUDIENCE: z.string().trim().min(1).max(500).default("one-core"),
  STS_TOKEN_TTL_SECONDS: positiveInt(30, 3600).default(300),
  /** How long a NEXT key is published before it may sign (the core refreshes its JWKS on its own schedule). */
  STS_JWKS_PUBLISH_LEAD: positiveInt(0, 7 * 24 * 3600).default(3600),
  STS_ACCEPT_ID_TOKEN: bool.default(false),
  /** Token endpoint requests per second and client address, per instance (burst: twice as many). */
  STS_TOKEN_RATE_LIMIT: positiveInt(1, 1_000_000).default(50),
  /** Verified IAM tokens remembered (by hash, until their exp); 0 verifies every presentation. */
  STS_VERIFIED_TOKEN_CACHE_SIZE: positiveInt(0, 1_000_000).default(10_000),
  /** Memory per process for remembered resolve answers (MiB); 0 builds every answer afresh. */
  STS_RESOLVE_CACHE_MB: positiveInt(0, 4096).default(32),
});

export type Environment = z.output<typeof environmentSchema>;

export interface AppConfig extends Omit<
  Environment,
  "STS_PUBLIC_URL" | "STS_CLAIM_SEPARATOR" | "STS_IAM_ISSUER" | "STS_TOKEN_ISSUER"
> {
  /** `iss` of app tokens: STS_TOKEN_ISSUER, else the public URL. */
  STS_TOKEN_ISSUER: string;
  /** Issuer of IAM tokens accepted by the machine API: STS_IAM_ISSUER, else OIDC_ISSUER. */
  STS_IAM_ISSUER: string;
  /** The address browsers and relying parties use; next-auth's NEXTAUTH_URL is derived from it. */
  STS_PUBLIC_URL: string;
  STS_CLAIM_SEPARATOR: string | undefined;
  /** True when STS_PUBLIC_URL is https: cookies get the Secure flag. */
  secureCookies: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (process.env by default). Throws ConfigError naming every bad variable. */
export function parseConfig(environment: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset" for optional variables, as in most .env tooling.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = issue.path.join(".") || "(environment)";
        const message = present[variable] === undefined ? "is required" : issue.message;
        return `${variable} ${message}`;
      }),
    );
  }
  const env = result.data;
  const problems: string[] = [];
  if (env.STS_AUTH_MODE === "UNSAFE_STATIC" && !env.STS_STATIC_TOKEN) {
    problems.push("STS_STATIC_TOKEN is required when STS_AUTH_MODE=UNSAFE_STATIC");
  }
  if (env.STS_AUTH_MODE === "UNSAFE_NONE" && env.NODE_ENV === "production") {
    problems.push(
      "STS_AUTH_MODE=UNSAFE_NONE is refused when NODE_ENV=production: it lets anyone read every mapping",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl =
    env.STS_PUBLIC_URL ?? `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${env.PORT}`;
  return {
    ...env,
    STS_PUBLIC_URL: publicUrl,
    STS_CLAIM_SEPARATOR: env.STS_CLAIM_SEPARATOR,
    STS_IAM_ISSUER: env.STS_IAM_ISSUER ?? String(present.OIDC_ISSUER),
    STS_TOKEN_ISSUER: env.STS_TOKEN_ISSUER ?? publicUrl,
    secureCookies: publicUrl.startsWith("https://"),
  };
}

let cached: AppConfig | undefined;

/** The validated configuration of this process, parsed once. */
export function getConfig(): AppConfig {
  cached ??= parseConfig();
  return cached;
}
