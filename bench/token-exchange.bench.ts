/**
 * Token-exchange benchmark: (a) the crypto floor — verify an RS256 IAM token and sign an EdDSA app token
 * in a tight loop on one core; (b) a peer — oidc-provider issuing EdDSA JWT access tokens for the
 * client-credentials grant; (c) POST /api/sts/token/v1 at concurrency 32 against the production build,
 * a 50-group user in a 10,000-mapping tenant.
 */
import { generateKeyPairSync, randomUUID, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { exportJWK, SignJWT } from "jose";
import {
  formatLatency,
  formatLoad,
  load,
  processCountsForLoad,
  startBenchServer,
  type LoadResult,
  scratchDatabase,
  startAppServer,
  timeSequential,
} from "./lib";
import { seedReadContractTenant } from "./read-contract.bench";

const AUDIENCE = "api://bench-sts";

export async function benchTokenExchange(): Promise<void> {
  console.info("\n== Token exchange ==");
  // (a) The crypto floor with the same primitives the exchange uses.
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ed = generateKeyPairSync("ed25519");
  const iamToken = await new SignJWT({ sub: "floor", groups: ["a"] })
    .setProtectedHeader({ alg: "RS256", kid: "k" })
    .setIssuer("https://iam")
    .setAudience(AUDIENCE)
    .setExpirationTime("1h")
    .sign(rsa.privateKey);
  const [header, payload, signature] = iamToken.split(".");
  const signed = Buffer.from(`${header}.${payload}`);
  const rsaSignature = Buffer.from(signature!, "base64url");
  const floor = await timeSequential(
    20_000,
    () => {
      verify("sha256", signed, rsa.publicKey, rsaSignature);
      sign(null, Buffer.from(`${header}.${payload}`), ed.privateKey);
    },
    "µs",
  );
  console.info(`  (a) crypto floor (RS256 verify + EdDSA sign)  ${formatLatency(floor)}`);

  const workerCounts = processCountsForLoad();

  // (b) The peer, with as many processes as the exchange gets.
  const peers = new Map<number, LoadResult>();
  for (const workers of workerCounts) {
    const peer = await startBenchServer(
      "peer-oidc-provider.ts",
      workers,
      "/.well-known/openid-configuration",
      {
        NODE_ENV: "production",
      },
    );
    try {
      const request = {
        url: `${peer.url}/token`,
        method: "POST" as const,
        body: "grant_type=client_credentials&scope=api",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from("bench:bench-secret-bench-secret-bench-secret").toString("base64")}`,
        },
      };
      const probe = await fetch(request.url, {
        method: "POST",
        body: request.body,
        headers: request.headers,
      });
      if (probe.status !== 200) throw new Error(`peer answered ${probe.status}: ${await probe.text()}`);
      await load({ ...request, seconds: 3 });
      const result = await load({ ...request, serverPid: peer.child.pid });
      peers.set(workers, result);
      console.info(
        `  (b) peer: oidc-provider client_credentials, ${workers} process(es)  ${formatLoad(result)}`,
      );
    } finally {
      await peer.stop();
    }
  }

  // (c) The exchange over HTTP.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench-iam", alg: "RS256", use: "sig" };
  let issuer = "";
  const iam = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          authorization_endpoint: `${issuer}/a`,
          token_endpoint: `${issuer}/t`,
        }),
      );
    } else res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => iam.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(iam.address() as AddressInfo).port}`;
  const database = await scratchDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sts-bench-token-"));
  try {
    const { userGroups } = await seedReadContractTenant(database.url);
    const userToken = (jti: string) =>
      new SignJWT({ sub: "bench-user", groups: userGroups, name: "Bench User", jti })
        .setProtectedHeader({ alg: "RS256", kid: "bench-iam", typ: "at+jwt" })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
    const exchangeBody = (token: string) =>
      new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: token,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        tenant: "bench",
      }).toString();
    const sameBody = exchangeBody(await userToken(randomUUID()));
    // Distinct tokens, and a server that remembers none: every request verifies an RS256 signature.
    const distinctBodies: string[] = [];
    for (let index = 0; index < 2_000; index += 1)
      distinctBodies.push(exchangeBody(await userToken(randomUUID())));
    const headers = { "content-type": "application/x-www-form-urlencoded" };

    const exchanges: { workers: number; label: string; result: LoadResult }[] = [];
    for (const workers of workerCounts) {
      for (const variant of ["same", "distinct"] as const) {
        const app = await startAppServer({
          databaseUrl: database.url,
          dataDir,
          env: {
            STS_IAM_ISSUER: issuer,
            STS_IAM_AUDIENCE: AUDIENCE,
            STS_TOKEN_RATE_LIMIT: "1000000",
            STS_MACHINE_WORKERS: String(workers),
            STS_VERIFIED_TOKEN_CACHE_SIZE: variant === "same" ? "10000" : "0",
          },
        });
        const port = app.port;
        try {
          const url = `http://127.0.0.1:${port}/api/sts/token/v1`;
          const probe = await fetch(url, { method: "POST", body: distinctBodies[0], headers });
          if (probe.status !== 200)
            throw new Error(`token endpoint answered ${probe.status}: ${await probe.text()}`);
          const request =
            variant === "same"
              ? { url, method: "POST" as const, body: sameBody, headers }
              : { url, method: "POST" as const, bodies: distinctBodies, headers };
          await load({ ...request, seconds: 3 });
          const result = await load({ ...request, serverPid: app.child.pid });
          const label =
            variant === "same"
              ? "one token, verified once (cache)"
              : "2,000 tokens, each verified (no cache)";
          exchanges.push({ workers, label, result });
          console.info(`  (c) POST /api/sts/token/v1, ${workers} worker(s), ${label}  ${formatLoad(result)}`);
        } finally {
          await app.stop();
        }
      }
    }
    for (const { workers, label, result } of exchanges) {
      const peer = peers.get(workers)!;
      console.info(
        `  ${workers} process(es), ${label}: (c)/(b) = ${(result.requestsPerSecond / peer.requestsPerSecond).toFixed(2)}   (c)/(a) = ${(result.requestsPerSecond / floor.perSecond).toFixed(2)}   targets: (c) ≥ 0.8 × (b) ${result.requestsPerSecond >= 0.8 * peer.requestsPerSecond ? "met" : "MISSED"}; p99 < 20 ms ${result.p99ms < 20 ? "met" : "MISSED"}`,
      );
    }
  } finally {
    iam.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database.close();
  }
}
