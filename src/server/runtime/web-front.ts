/**
 * The front process's side of the console process (web-process.ts): starts it on a free loopback
 * port, forwards every request the machine server does not answer, and stops it at shutdown. Bodies
 * stream both ways (uploads, exports and progress streams pass through unbuffered), and a client that
 * goes away cancels the forwarded request.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freeLocalPort } from "../db/free-port";
import { FORWARD_SECRET_HEADER } from "./forward-secret";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "upgrade",
  FORWARD_SECRET_HEADER,
]);

export interface WebProcess {
  forward(req: IncomingMessage, res: ServerResponse): void;
  /** Where the console process listens and the secret it expects: machine workers forward there too. */
  port: number;
  secret: string;
  /** Resolves when the console process has exited. */
  stop(): Promise<void>;
}

export interface Forwarder {
  forward(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
}

const START_TIMEOUT_MS = 120_000;

export async function startWebProcess(options: {
  env: Record<string, string>;
  log: (message: string) => void;
  /** Called when the console process exits on its own (it crashed): the product cannot go on without it. */
  onUnexpectedExit: (code: number | null) => void;
}): Promise<WebProcess> {
  const port = await freeLocalPort({ avoid: [5432] });
  const secret = randomBytes(32).toString("base64url");
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "web-process.ts");
  const child: ChildProcess = fork(entry, [], {
    env: { ...process.env, ...options.env, STS_WEB_PORT: String(port), STS_FORWARD_SECRET: secret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the console process did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once("message", (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== "ready") return;
      clearTimeout(timer);
      resolve();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the console process exited (code ${code}) while starting`));
    });
  });
  void exited.then((code) => {
    if (!stopping) options.onUnexpectedExit(code);
  });

  const forwarder = createForwarder({ port, secret, log: options.log });

  async function stop(): Promise<void> {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    forwarder.close();
  }

  return { forward: forwarder.forward, port, secret, stop };
}

/** Forwards requests to the console process at `port`, proving the origin with `secret`. */
export function createForwarder(options: {
  port: number;
  secret: string;
  log: (message: string) => void;
}): Forwarder {
  const { port, secret } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers[FORWARD_SECRET_HEADER] = secret;
    const upstream = http.request({
      host: "127.0.0.1",
      port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    let answered = false;
    upstream.on("response", (answer) => {
      answered = true;
      const raw: string[] = [];
      for (let at = 0; at < answer.rawHeaders.length; at += 2) {
        const name = answer.rawHeaders[at]!;
        if (!HOP_BY_HOP.has(name.toLowerCase())) raw.push(name, answer.rawHeaders[at + 1]!);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    let clientGone = false;
    upstream.on("error", (error) => {
      // Once the console has answered, a failure on the request side (it stopped reading an upload
      // it refused) changes nothing: the answer streams on, and fails on its own if it breaks. A
      // request the client abandoned (a cancelled prefetch, a closed tab) was dropped on purpose.
      if (answered || clientGone) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      options.log(`console process unreachable: ${error.message}`);
      res.writeHead(502, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "bad_gateway", message: "The console is not available right now." }));
    });
    res.on("finish", () => {
      // The console answered before reading the whole body (a 413, say): drop the forwarded request
      // (its connection cannot serve another one) and read and discard the rest, or the client's next
      // request on this connection would wait behind it.
      if (!req.complete) {
        req.unpipe(upstream);
        upstream.destroy();
        req.resume();
      }
    });
    // The client went away before the answer was complete: cancel the forwarded request too.
    res.on("close", () => {
      if (res.writableFinished) return;
      clientGone = true;
      upstream.destroy();
    });
    req.pipe(upstream);
  }

  return { forward, close: () => agent.destroy() };
}
