/**
 * A polite HTTP client for the public sources, with a cache: conditional requests (ETag,
 * Last-Modified) so unchanged files are not downloaded again, resumable downloads (Range with
 * If-Range), retries with backoff on 429 and 5xx honouring `Retry-After`, a concurrency limit, an
 * idle timeout, a clear User-Agent, atomic writes (a `.part` file renamed into place once checked)
 * and a progress bar (cli-progress) on long downloads to a terminal.
 *
 * Used only by `pipelines/fetch.ts` (and `build.ts --refresh --fetch`): a build never fetches.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import cliProgress from "cli-progress";
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";
import type { Logger } from "../pipelines/core/context.ts";
import { readHead, sha256File } from "./files.ts";
import { checkZip } from "./zip.ts";

/** What kind of body a request expects: the body is checked before it replaces anything. */
export type Expect = "csv" | "zip" | "json";

/** Why a fetch failed: three different things for the user to do. */
export type FetchFailure = "unreachable" | "not_published" | "html_instead" | "http" | "corrupt";

/** A failed fetch, with a kind the entry point and the refresh act on. */
export class FetchError extends LocalneedsError {
  override name = "FetchError";
  constructor(message: string, readonly kind: FetchFailure, readonly url: string) {
    super(message);
  }
}

/** One file of the fetch manifest: where it came from and what it was. */
export interface ManifestEntry {
  /** The source slot (`crime`, `health.fingertips`, `economy.nomis`, `geography`). */
  source: string;
  url: string;
  /** ISO time the bytes were last retrieved (or confirmed unchanged). */
  retrievedAt: string;
  etag?: string;
  lastModified?: string;
  sha256: string;
  bytes: number;
}

/** The fetch manifest: one entry per file written, keyed by its absolute path. */
export interface FetchManifest {
  files: Record<string, ManifestEntry>;
}

/** Read a manifest (an empty one when the file does not exist yet). */
export function readManifest(file: string): FetchManifest {
  if (!existsSync(file)) return { files: {} };
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as FetchManifest;
    return { files: m.files ?? {} };
  } catch (err) {
    throw new LocalneedsError(messages.fetchManifestUnreadable(file, (err as Error).message));
  }
}

/** Write a manifest atomically (temporary file, then rename), keys sorted. */
export function writeManifest(file: string, m: FetchManifest): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const files = Object.fromEntries(Object.keys(m.files).sort().map((k) => [k, m.files[k]!]));
  writeAtomic(file, JSON.stringify({ files }, null, 2) + "\n");
}

/** Write a file by writing a temporary sibling and renaming it over the target. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** How a download ended. */
export interface DownloadResult {
  /** `new`: first time; `unchanged`: the publisher's copy has not changed; `replaced`: re-issued with other bytes. */
  status: "new" | "unchanged" | "replaced";
  file: string;
  entry: ManifestEntry;
  /** The bytes replaced, when `replaced`. */
  previousSha256?: string;
}

/** Settings of the client (every one has a default; tests shorten the waits). */
export interface DownloaderOptions {
  userAgent?: string;
  /** A request with no bytes for this long is abandoned (and retried). */
  timeoutMs?: number;
  /** Retries after the first try, on network errors, time-outs, 429 and 5xx. */
  retries?: number;
  /** First backoff wait; doubled at each retry (with jitter), capped at `maxWaitMs`. */
  backoffMs?: number;
  /** The longest wait the client accepts, from backoff or `Retry-After`. */
  maxWaitMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Draw a progress bar for downloads over 1 MB (default: when stderr is a terminal). */
  progress?: boolean;
  log: Logger;
  /** The clock for `retrievedAt` (the fetch's own time, not SOURCE_DATE_EPOCH). */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** The User-Agent sent with every request: the tool, its version and where to read about it. */
export const DEFAULT_USER_AGENT = "localneeds-fetch/0.1 (ward needs assessments; +https://github.com/localneeds/localneeds)";

/** A request for a file. */
export interface FileRequest {
  source: string;
  url: string;
  /** Where the checked file is written. */
  dest: string;
  expect: Expect;
}

/** The polite client. One per fetch run: it holds the manifest and the concurrency limit. */
export class Downloader {
  readonly manifest: FetchManifest;
  private readonly o: Required<Omit<DownloaderOptions, "log" | "now" | "sleep">> & Pick<DownloaderOptions, "log"> & { now: () => Date; sleep: (ms: number) => Promise<void> };
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(manifest: FetchManifest, options: DownloaderOptions) {
    this.manifest = manifest;
    this.o = {
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 2_000,
      maxWaitMs: options.maxWaitMs ?? 300_000,
      concurrency: options.concurrency ?? 2,
      progress: options.progress ?? Boolean(process.stderr.isTTY),
      log: options.log,
      now: options.now ?? (() => new Date()),
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  /** Fetch a small JSON API answer (not cached: API answers are the plan, not data). */
  async json<T>(url: string): Promise<T> {
    const res = await this.request(url, {});
    const text = await res.text();
    if (looksLikeHtml(res.headers.get("content-type"), text.slice(0, 512))) throw new FetchError(messages.fetchHtmlInstead(url, "JSON"), "html_instead", url);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new FetchError(messages.fetchNotJson(url, (err as Error).message), "http", url);
    }
  }

  /** Fetch a page of CSV text (a paged API answer the caller assembles), checked like a file. */
  async csvText(url: string): Promise<string> {
    const res = await this.request(url, {});
    const text = await res.text();
    if (looksLikeHtml(res.headers.get("content-type"), text.slice(0, 512))) throw new FetchError(messages.fetchHtmlInstead(url, "CSV"), "html_instead", url);
    if (!/[,\t]/.test(text.split(/\r?\n/, 1)[0] ?? "")) throw new FetchError(messages.fetchNotCsv(url, text.slice(0, 80)), "http", url);
    return text;
  }

  /**
   * Download `req.url` to `req.dest` unless the publisher says it has not changed. The body goes
   * to `<dest>.part` (resumed when a previous try left one with the same validators), is checked
   * (`expect`), and only then renamed over `dest`.
   */
  async file(req: FileRequest): Promise<DownloadResult> {
    const known = this.manifest.files[req.dest];
    const have = known && existsSync(req.dest) && statSync(req.dest).size === known.bytes;
    const headers: Record<string, string> = {};
    if (have && known.url === req.url) {
      if (known.etag) headers["If-None-Match"] = known.etag;
      if (known.lastModified) headers["If-Modified-Since"] = known.lastModified;
    }
    const part = `${req.dest}.part`;
    const partMeta = `${part}.json`;
    let offset = 0;
    if (existsSync(part) && existsSync(partMeta)) {
      const meta = JSON.parse(readFileSync(partMeta, "utf8")) as { url: string; etag?: string; lastModified?: string };
      const validator = meta.etag ?? meta.lastModified;
      if (meta.url === req.url && validator) {
        offset = statSync(part).size;
        if (offset > 0) {
          headers["Range"] = `bytes=${offset}-`;
          headers["If-Range"] = validator;
        }
      }
    }
    const res = await this.request(req.url, headers);
    if (res.status === 304 && have) {
      await res.body?.cancel();
      const entry = { ...known, retrievedAt: this.o.now().toISOString() };
      this.manifest.files[req.dest] = entry;
      return { status: "unchanged", file: req.dest, entry };
    }
    const etag = res.headers.get("etag") ?? undefined;
    const lastModified = res.headers.get("last-modified") ?? undefined;
    const resumed = res.status === 206;
    if (!resumed) offset = 0;
    mkdirSync(path.dirname(req.dest), { recursive: true });
    writeFileSync(partMeta, JSON.stringify({ url: req.url, etag, lastModified }));
    const total = resumed ? contentRangeTotal(res.headers.get("content-range")) : Number(res.headers.get("content-length") ?? NaN);
    await this.stream(res, part, resumed, offset, total, req.url);
    await checkBody(part, req.expect, res.headers.get("content-type"), req.url);
    const sha256 = await sha256File(part);
    const bytes = statSync(part).size;
    const entry: ManifestEntry = { source: req.source, url: req.url, retrievedAt: this.o.now().toISOString(), sha256, bytes, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
    const previous = have ? known.sha256 : existsSync(req.dest) ? await sha256File(req.dest) : undefined;
    this.manifest.files[req.dest] = entry;
    if (previous === sha256) {
      rmSync(part, { force: true });
      rmSync(partMeta, { force: true });
      return { status: "unchanged", file: req.dest, entry };
    }
    renameSync(part, req.dest);
    rmSync(partMeta, { force: true });
    return previous ? { status: "replaced", file: req.dest, entry, previousSha256: previous } : { status: "new", file: req.dest, entry };
  }

  /** Record a file this run wrote itself (extracted from an archive, or assembled from pages). */
  async record(source: string, url: string, file: string, data: Uint8Array | string, validators: { etag?: string; lastModified?: string } = {}): Promise<DownloadResult> {
    const sha256 = createHash("sha256").update(data).digest("hex");
    const known = this.manifest.files[file];
    const previous = existsSync(file) ? (known && known.bytes === statSync(file).size ? known.sha256 : await sha256File(file)) : undefined;
    const entry: ManifestEntry = { source, url, retrievedAt: this.o.now().toISOString(), sha256, bytes: Buffer.byteLength(data), ...validators };
    this.manifest.files[file] = entry;
    if (previous === sha256) return { status: "unchanged", file, entry };
    writeAtomic(file, data);
    return previous ? { status: "replaced", file, entry, previousSha256: previous } : { status: "new", file, entry };
  }

  /** One request with the retry policy; 404 and other 4xx are final. */
  private async request(url: string, headers: Record<string, string>): Promise<Response> {
    await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        const ctrl = new AbortController();
        const timer = setTimeout(() => ctrl.abort(new Error(`no response in ${this.o.timeoutMs / 1000} s`)), this.o.timeoutMs);
        let res: Response;
        try {
          res = await fetch(url, { headers: { "User-Agent": this.o.userAgent, ...headers }, signal: ctrl.signal, redirect: "follow" });
        } catch (err) {
          clearTimeout(timer);
          const why = describeNetworkError(err);
          if (attempt < this.o.retries) {
            const wait = this.backoff(attempt);
            this.o.log.warn(messages.fetchRetrying(url, why, wait / 1000, attempt + 1, this.o.retries));
            await this.o.sleep(wait);
            continue;
          }
          throw new FetchError(messages.fetchUnreachable(url, why, attempt + 1), "unreachable", url);
        }
        clearTimeout(timer);
        if (res.status === 429 || res.status >= 500) {
          await res.body?.cancel();
          const after = retryAfterMs(res.headers.get("retry-after"), this.o.now());
          const wait = after ?? this.backoff(attempt);
          if (attempt < this.o.retries && wait <= this.o.maxWaitMs) {
            this.o.log.warn(messages.fetchRetrying(url, `HTTP ${res.status}`, wait / 1000, attempt + 1, this.o.retries));
            await this.o.sleep(wait);
            continue;
          }
          throw new FetchError(messages.fetchHttpStatus(url, res.status, attempt + 1), res.status >= 500 ? "unreachable" : "http", url);
        }
        if (res.status === 404 || res.status === 410) {
          await res.body?.cancel();
          throw new FetchError(messages.fetchNotFound(url, res.status), "not_published", url);
        }
        if (res.status >= 400) {
          await res.body?.cancel();
          throw new FetchError(messages.fetchHttpStatus(url, res.status, attempt + 1), "http", url);
        }
        return res;
      }
    } finally {
      this.release();
    }
  }

  private backoff(attempt: number): number {
    const base = this.o.backoffMs * 2 ** attempt;
    return Math.min(this.o.maxWaitMs, Math.round(base * (0.75 + Math.random() * 0.5)));
  }

  /** Stream a body to `part` (appending when resumed), with an idle time-out and a progress bar. */
  private async stream(res: Response, part: string, append: boolean, offset: number, total: number, url: string): Promise<void> {
    if (!res.body) throw new FetchError(messages.fetchHttpStatus(url, res.status, 1), "http", url);
    const bar = this.o.progress && total > 1_000_000 ? new cliProgress.SingleBar({ format: `${path.basename(part, ".part")} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    bar?.start(total, offset);
    let done = offset;
    let timer: NodeJS.Timeout | undefined;
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => body.destroy(new Error(`no bytes for ${this.o.timeoutMs / 1000} s`)), this.o.timeoutMs);
    };
    idle();
    // Every chunk is on disk before the next is read, so an interrupted download resumes from
    // exactly the bytes that arrived.
    const fh = await open(part, append ? "a" : "w");
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        await fh.write(chunk);
        done += chunk.length;
        bar?.update(done);
        idle();
      }
    } catch (err) {
      throw new FetchError(messages.fetchInterrupted(url, (err as Error).message, done), "unreachable", url);
    } finally {
      clearTimeout(timer);
      bar?.stop();
      await fh.close();
    }
    if (Number.isFinite(total) && done !== total) throw new FetchError(messages.fetchShort(url, done, total), "unreachable", url);
  }

  private async acquire(): Promise<void> {
    if (this.active < this.o.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime());
}

function contentRangeTotal(header: string | null): number {
  const m = header && /\/(\d+)$/.exec(header);
  return m ? Number(m[1]) : NaN;
}

function describeNetworkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** Is this an HTML page (a publisher's error or login page) rather than data? */
export function looksLikeHtml(contentType: string | null, head: string): boolean {
  if (contentType && /text\/html/i.test(contentType)) return true;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(head.replace(/^\uFEFF/, ""));
}

/** Check a downloaded body before it replaces anything: HTML instead of data, an empty or broken file. */
async function checkBody(file: string, expect: Expect, contentType: string | null, url: string): Promise<void> {
  const head = readHead(file, 4096);
  const text = head.toString("utf8");
  if (looksLikeHtml(contentType, text)) {
    rmSync(file, { force: true });
    throw new FetchError(messages.fetchHtmlInstead(url, expect === "zip" ? "a zip archive" : expect.toUpperCase()), "html_instead", url);
  }
  if (expect === "zip") {
    const problem = await checkZip(file);
    if (problem) {
      rmSync(file, { force: true });
      throw new FetchError(messages.fetchCorruptArchive(url, problem), "corrupt", url);
    }
  }
  if (expect === "csv" && !/[,\t]/.test(text.split(/\r?\n/, 1)[0] ?? "")) {
    rmSync(file, { force: true });
    throw new FetchError(messages.fetchNotCsv(url, text.slice(0, 80)), "http", url);
  }
}

