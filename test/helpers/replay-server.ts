/**
 * A local HTTP server on 127.0.0.1 that replays recorded responses (tests of the fetch): routes by
 * path and query, honours Range / If-Range and If-None-Match like a real file server, and can
 * delay, cut off or fail a response. Every request is logged for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded response. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before answering (a slow publisher). */
  delayMs?: number;
  /** Send this many bytes of the body, then drop the connection. */
  cutAfter?: number;
  /** Send this many bytes of the body, then send nothing more (a stalled download). */
  stallAfter?: number;
}

/** A route: a fixed reply, a list used in turn (the last one repeats), or a function of the request. */
export type Route = Reply | Reply[] | ((req: IncomingMessage) => Reply);

export interface ReplayServer {
  base: string;
  routes: Map<string, Route>;
  requests: { url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

function serve(req: IncomingMessage, res: ServerResponse, r: Reply): void {
  const body = typeof r.body === "string" ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
  const headers = { ...r.headers };
  const status = r.status ?? 200;
  const etag = headers["ETag"];
  if (status === 200 && etag && req.headers["if-none-match"] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  const range = /^bytes=(\d+)-$/.exec(String(req.headers["range"] ?? ""));
  if (status === 200 && range && (!req.headers["if-range"] || req.headers["if-range"] === etag)) {
    const start = Number(range[1]);
    const part = body.subarray(start);
    res.writeHead(206, { ...headers, "Content-Length": String(part.length), "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(part);
    return;
  }
  res.writeHead(status, { "Content-Length": String(body.length), ...headers });
  if (r.stallAfter !== undefined) {
    res.write(body.subarray(0, r.stallAfter));
    return;
  }
  if (r.cutAfter !== undefined) {
    // Close the connection gracefully (FIN, not RST) so the bytes sent arrive before the cut.
    res.write(body.subarray(0, r.cutAfter), () => res.socket?.end());
    return;
  }
  res.end(body);
}

/** Start a replay server on a free loopback port. Routes are keyed by path plus query (`/api/forces`). */
export async function startReplayServer(routes: Record<string, Route> = {}): Promise<ReplayServer> {
  const table = new Map(Object.entries(routes));
  const used = new Map<string, number>();
  const requests: ReplayServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push({ url, headers: req.headers });
    const route = table.get(url) ?? table.get(url.split("?")[0]!);
    if (!route) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    let reply: Reply;
    if (typeof route === "function") reply = route(req);
    else if (Array.isArray(route)) {
      const i = used.get(url) ?? 0;
      used.set(url, i + 1);
      reply = route[Math.min(i, route.length - 1)]!;
    } else reply = route;
    if (reply.delayMs) setTimeout(() => !res.destroyed && serve(req, res, reply), reply.delayMs);
    else serve(req, res, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    routes: table,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
