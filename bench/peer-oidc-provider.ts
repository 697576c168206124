/**
 * The peer for benchmark (b): oidc-provider issuing EdDSA-signed JWT access tokens for the
 * client-credentials grant — a mature token service doing comparable signing work. WORKERS=N runs N
 * processes on the shared port with node:cluster (one signing key for all).
 */
import cluster from "node:cluster";
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import Provider, { type JWK } from "oidc-provider";

const port = Number(process.env.PORT ?? "0");
const workers = Number(process.env.WORKERS ?? "1");
if (workers > 1 && cluster.isPrimary) {
  const key = JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
  for (let index = 0; index < workers; index += 1) cluster.fork({ PEER_SIGNING_KEY: key });
} else {
  serve();
}

function serve(): void {
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = {
    ...(process.env.PEER_SIGNING_KEY
      ? (JSON.parse(process.env.PEER_SIGNING_KEY) as JWK)
      : generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" })),
    kid: "peer",
    alg: "EdDSA",
    use: "sig",
  } as JWK;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "bench",
        client_secret: "bench-secret-bench-secret-bench-secret",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "EdDSA",
      },
    ],
    jwks: { keys: [signingKey] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "api://peer",
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "api",
          audience: "api://peer",
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: "EdDSA" } },
        }),
      },
    },
  });
  http.createServer(provider.callback()).listen(port, "127.0.0.1");
}
