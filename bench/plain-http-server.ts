/**
 * The HTTP floor: a plain node:http server answering a fixed JSON body (benchmark (d)). WORKERS=N
 * runs N processes on the shared port with node:cluster, as STS_MACHINE_WORKERS does for the server.
 */
import cluster from "node:cluster";
import http from "node:http";

const body = JSON.stringify({
  tenant: { slug: "bench" },
  revision: 1,
  roles: ["r"],
  permissions: ["P"],
  provenance: {},
  unmapped: [],
});
const port = Number(process.env.PORT ?? "0");
const workers = Number(process.env.WORKERS ?? "1");

if (workers > 1 && cluster.isPrimary) {
  for (let index = 0; index < workers; index += 1) cluster.fork();
} else {
  http
    .createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    })
    .listen(port, "127.0.0.1");
}
