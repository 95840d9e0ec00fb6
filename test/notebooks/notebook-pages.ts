/**
 * What the notebook browser tests share: a static server for built pages, a Chromium tab that
 * may reach only that server, axe, and the CDN scan of built files.
 */
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";

/**
 * Hosts nothing built may refer to. A generic `cdn.` host only as a URL's host (`//cdn.`): the
 * build's query-result files have random names, and one ending in `cdn` (`...cdn.json`) made the
 * scan fail a CI run with no CDN in it.
 */
export const CDN_HOSTS = /jsdelivr|unpkg|esm\.sh|cdnjs|\/\/cdn\.|api\.observablehq/;

/** `file: host` for every built file (pages and assets) that names a CDN host. */
export function cdnReferences(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const m = CDN_HOSTS.exec(readFileSync(file, "latin1"));
    if (m) found.push(`${path.relative(dir, file)}: ${m[0]}`);
  }
  return found;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".csv": "text/csv",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
};

/** A static file server for `dir` on 127.0.0.1 (GET only, no directory listings). */
export async function serveDir(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = path.join(dir, rel.endsWith("/") ? `${rel}index.html` : rel);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" && (err as NodeJS.ErrnoException).code !== "EISDIR") throw err;
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A tab that may load only from `origin` (and data:/blob:), recording errors and blocked requests. */
export interface OfflineTab {
  context: BrowserContext;
  tab: Page;
  /** Console errors and page errors. */
  problems: string[];
  /** Requests to any other host (aborted). */
  external: string[];
}

/** Open a tab on `browser` whose network is cut off from everything but `origin`. */
export async function offlineTab(browser: Browser, origin: string, viewport = { width: 1100, height: 900 }): Promise<OfflineTab> {
  const context = await browser.newContext({ viewport });
  const problems: string[] = [];
  const external: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    external.push(url);
    return route.abort("blockedbyclient");
  });
  const tab = await context.newPage();
  tab.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { context, tab, problems, external };
}

/** One axe violation, shortened: rule id and the offending elements' selectors. */
export interface AxeViolation {
  id: string;
  nodes: string[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf-8");

/** Run axe-core (WCAG 2 A and AA rules and best practices) on the page as it is now. */
export async function axeViolations(tab: Page): Promise<AxeViolation[]> {
  await tab.addScriptTag({ content: axeSource });
  return tab.evaluate(async () => {
    // @ts-expect-error axe is the global the script above defines
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}
