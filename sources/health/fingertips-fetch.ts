/**
 * Fetch Fingertips (OHID) indicator data as the CSV the Fingertips loader reads: every area of
 * the child area type, with the rows of their parents (regions) and England, as published.
 *
 * - By indicator: `GET {fingertips}/all_data/csv/by_indicator_id?indicator_ids=..&child_area_type_id=..&parent_area_type_id=..`
 * - By profile:   `GET {fingertips}/all_data/csv/by_profile_id?profile_id=..&child_area_type_id=..&parent_area_type_id=..`
 *
 * Documented in the Fingertips API (fingertips.phe.org.uk/api, Swagger) and used the same way by
 * fingertipsR's `fingertips_data()`.
 */
import { messages } from "../../pipelines/core/messages.ts";
import { FetchError } from "../download.ts";
import { destinationFor } from "../fetch-destination.ts";
import type { FetchContext, SourceFetch } from "../fetch-context.ts";

/** Fingertips area type ids and the short names its own CSV downloads use. */
const AREA_TYPE_NAMES: Record<number, string> = {
  3: "MSOA", 8: "Ward", 101: "DistrictUA", 102: "CountyUA", 201: "DistrictUA", 202: "CountyUA", 301: "DistrictUA", 302: "CountyUA",
  401: "DistrictUA", 402: "CountyUA", 501: "DistrictUA", 502: "CountyUA", 6: "Region", 15: "England",
};

/** The file name a Fingertips download gets (as the site names its exports: `indicators-CountyUA.data.csv`). */
export function fingertipsFileName(kind: "indicators" | "profile", areaTypeId: number, profileId?: number): string {
  const area = AREA_TYPE_NAMES[areaTypeId] ?? `AreaType${areaTypeId}`;
  return kind === "indicators" ? `indicators-${area}.data.csv` : `profile-${profileId}-${area}.data.csv`;
}

/** Fetch the Fingertips exports the config asks for. */
export async function fetchFingertips(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "fingertips", results: [], problems: [], notes: [] };
  const f = ctx.config.fetch.fingertips!;
  const base = ctx.config.fetch.baseUrls.fingertips;
  const area = `child_area_type_id=${f.areaTypeId}&parent_area_type_id=${f.parentAreaTypeId}`;
  const jobs: { url: string; name: string; what: string }[] = [];
  if (f.indicators) jobs.push({ url: `${base}/all_data/csv/by_indicator_id?indicator_ids=${f.indicators.join(",")}&${area}`, name: fingertipsFileName("indicators", f.areaTypeId), what: `Fingertips indicators ${f.indicators.join(", ")}` });
  for (const p of f.profiles ?? []) jobs.push({ url: `${base}/all_data/csv/by_profile_id?profile_id=${p}&${area}`, name: fingertipsFileName("profile", f.areaTypeId, p), what: `Fingertips profile ${p}` });
  for (const job of jobs) {
    try {
      const dest = destinationFor(ctx.config.sources.health?.fingertips, "sources.health.fingertips", "Fingertips", job.name);
      const r = await ctx.dl.file({ source: "health.fingertips", url: job.url, dest, expect: "csv" });
      out.results.push({ ...r, what: job.what });
    } catch (err) {
      if (err instanceof FetchError) out.problems.push(err);
      else throw err;
    }
  }
  if (!jobs.length) out.problems.push(new FetchError(messages.fetchNoDestination("fingertips", "fetch.fingertips.indicators"), "http", base));
  return out;
}
