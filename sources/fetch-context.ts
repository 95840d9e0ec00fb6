/** What every source's fetcher receives, and what it gives back. */
import type { Config } from "../pipelines/core/config.ts";
import type { Logger } from "../pipelines/core/context.ts";
import type { Downloader, DownloadResult, FetchError } from "./download.ts";

/** A fetcher's context: the validated config (with its `fetch` block), a logger, the polite client. */
export interface FetchContext {
  config: Config & { fetch: NonNullable<Config["fetch"]> };
  log: Logger;
  dl: Downloader;
  /** The fetch's own clock (months are "latest" relative to the publisher, not to this). */
  now: Date;
}

/** What one source's fetch did: files written or confirmed, problems that stopped part of it, notes. */
export interface SourceFetch {
  source: "police" | "fingertips" | "nomis" | "nomisPopulation" | "ons";
  results: (DownloadResult & { what: string })[];
  problems: FetchError[];
  notes: string[];
}

/** A month `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}`;
}

/** The months from `from` to `to`, inclusive. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
