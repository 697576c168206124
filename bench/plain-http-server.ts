/** The HTTP floor: a plain node:http server answering a fixed JSON body (benchmark (d)). */
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
http
  .createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(port, "127.0.0.1");
