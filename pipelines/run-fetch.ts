/**
 * The fetch: download what the config's `fetch` block asks for, source by source, into the
 * places the config's source globs read, and record every file in the fetch manifest (URL,
 * retrieval time, ETag / Last-Modified, SHA-256, bytes). A source that fails does not stop the
 * others; its files already on disk stay as they were.
 */
import type { Config } from "./core/config.ts";
import type { Logger } from "./core/context.ts";
import { LocalneedsError, messages } from "./core/messages.ts";
import { Downloader, readManifest, writeManifest, type DownloaderOptions } from "../sources/download.ts";
import type { FetchContext, SourceFetch } from "../sources/fetch-context.ts";
import { fetchPolice } from "../sources/crime/police-uk-fetch.ts";
import { fetchFingertips } from "../sources/health/fingertips-fetch.ts";
import { fetchNomis, fetchNomisPopulation } from "../sources/economy/nomis-fetch.ts";
import { fetchOns } from "../sources/geography/ons-fetch.ts";

/** The sources the fetch knows, in the order it runs them (geography first: the others are placed with it). */
export const FETCH_SOURCES = ["ons", "police", "fingertips", "nomis", "nomisPopulation"] as const;
export type FetchSource = (typeof FETCH_SOURCES)[number];

const FETCHERS: Record<FetchSource, { configured: (c: FetchContext["config"]) => boolean; run: (ctx: FetchContext) => Promise<SourceFetch> }> = {
  ons: { configured: (c) => Boolean(c.fetch.ons), run: fetchOns },
  police: { configured: (c) => Boolean(c.fetch.police), run: fetchPolice },
  fingertips: { configured: (c) => Boolean(c.fetch.fingertips), run: fetchFingertips },
  nomis: { configured: (c) => Boolean(c.fetch.nomis), run: fetchNomis },
  nomisPopulation: { configured: (c) => Boolean(c.fetch.nomisPopulation), run: fetchNomisPopulation },
};

/** Options of a fetch run. */
export interface FetchOptions {
  config: Config;
  log: Logger;
  /** Only these sources (default: every configured one). */
  only?: readonly FetchSource[];
  /** Client settings that tests shorten (waits, time-outs); the config's own come first otherwise. */
  client?: Partial<Omit<DownloaderOptions, "log">>;
  now?: () => Date;
}

/** What a fetch did. */
export interface FetchSummary {
  sources: SourceFetch[];
  manifest: string;
  /** Counts of files by outcome. */
  counts: { new: number; replaced: number; unchanged: number; problems: number };
}

/** Run the fetch; throws only for a config that cannot be fetched at all. */
export async function runFetch(opts: FetchOptions): Promise<FetchSummary> {
  const { config, log } = opts;
  if (!config.fetch) throw new LocalneedsError(messages.fetchNothingConfigured(config.configPath));
  const f = config.fetch;
  const now = opts.now ?? (() => new Date());
  const manifest = readManifest(f.manifest!);
  const dl = new Downloader(manifest, {
    userAgent: f.userAgent,
    timeoutMs: f.timeoutSeconds * 1000,
    retries: f.retries,
    concurrency: f.concurrency,
    log,
    now,
    ...opts.client,
  });
  const ctx: FetchContext = { config: config as FetchContext["config"], log, dl, now: now() };
  const sources: SourceFetch[] = [];
  for (const name of FETCH_SOURCES) {
    if (opts.only && !opts.only.includes(name)) continue;
    if (!FETCHERS[name].configured(ctx.config)) continue;
    const done = await FETCHERS[name].run(ctx);
    sources.push(done);
    writeManifest(f.manifest!, manifest);
    for (const n of done.notes) log.info(n);
    for (const r of done.results) if (r.status !== "unchanged") log.info(`${r.status}: ${r.what} -> ${r.file}`);
    for (const p of done.problems) log.warn(p.message);
  }
  const all = sources.flatMap((s) => s.results);
  const counts = {
    new: all.filter((r) => r.status === "new").length,
    replaced: all.filter((r) => r.status === "replaced").length,
    unchanged: all.filter((r) => r.status === "unchanged").length,
    problems: sources.reduce((n, s) => n + s.problems.length, 0),
  };
  log.info(`fetched: ${counts.new} new, ${counts.replaced} replaced, ${counts.unchanged} unchanged, ${counts.problems} problem(s); manifest ${f.manifest}`);
  return { sources, manifest: f.manifest!, counts };
}
